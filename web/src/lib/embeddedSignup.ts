/**
 * Meta's Embedded Signup, behind one small interface with two implementations chosen by config.json:
 *
 * - `facebook` (AWS): Meta's Facebook JS SDK. `FB.login` with the configuration id and `response_type: "code"` opens
 *   Meta's popup; Meta posts `WA_EMBEDDED_SIGNUP` message events (FINISH with `phone_number_id` and `waba_id`,
 *   CANCEL, ERROR) and FB.login's callback hands over the authorization code (`authResponse.code`).
 * - `sandbox` (local): the Meta sandbox's consent page in a popup, which posts the same `WA_EMBEDDED_SIGNUP` messages
 *   and, in place of FB.login's callback, `{type: "SANDBOX_FB_LOGIN", authResponse: {code} | null}`.
 *
 * Either way only messages from the configured origin count. The hub exchanges the code (`POST /v1/numbers`).
 */
import type { EmbeddedSignupConfig } from "./config";

export type SignupResult =
  | { outcome: "finished"; code: string; wabaId: string; phoneNumberId: string }
  | { outcome: "cancelled"; step: string | null }
  | { outcome: "failed"; message: string };

export interface EmbeddedSignup {
  /** Gets ready ahead of the click (loads Meta's SDK), so that the popup opens within the click's user activation. */
  prepare(): void;
  /** Runs the whole flow; call it from a click (browsers only allow popups opened by one). */
  run(): Promise<SignupResult>;
}

/** What one message (or FB.login's callback) says. */
export type SignupEvent =
  | { kind: "finish"; wabaId: string; phoneNumberId: string }
  | { kind: "cancel"; step: string | null }
  | { kind: "error"; message: string }
  | { kind: "login"; code: string | null };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a message's origin is the configured one (Meta also answers from other hosts of its domain, over https). */
export function trustedOrigin(origin: string, configured: string): boolean {
  if (origin === configured) return true;
  try {
    const seen = new URL(origin);
    const expected = new URL(configured);
    const domain = expected.hostname.replace(/^www\./, "");
    return (
      expected.protocol === "https:" &&
      seen.protocol === "https:" &&
      seen.port === expected.port &&
      (seen.hostname === domain || seen.hostname.endsWith(`.${domain}`))
    );
  } catch {
    return false;
  }
}

/** A `message` event as Embedded Signup's: null when it is not one, or not from the trusted origin. */
export function readSignupMessage(event: { origin: string; data: unknown }, origin: string): SignupEvent | null {
  if (!trustedOrigin(event.origin, origin)) return null;
  let data: unknown = event.data;
  if (typeof data === "string") {
    try {
      data = JSON.parse(data); // Meta posts its messages as JSON text
    } catch {
      return null;
    }
  }
  if (!isObject(data)) return null;
  if (data.type === "SANDBOX_FB_LOGIN") return { kind: "login", code: codeOf(data) };
  if (data.type !== "WA_EMBEDDED_SIGNUP" || typeof data.event !== "string") return null;
  const details = isObject(data.data) ? data.data : {};
  const text = (name: string): string | null => {
    const value = details[name];
    return typeof value === "string" && value !== "" ? value : null;
  };
  if (data.event === "CANCEL") return { kind: "cancel", step: text("current_step") };
  if (data.event === "ERROR") {
    return { kind: "error", message: text("error_message") ?? "Embedded Signup reported an error." };
  }
  if (data.event.startsWith("FINISH")) {
    const wabaId = text("waba_id");
    const phoneNumberId = text("phone_number_id");
    if (wabaId && phoneNumberId) return { kind: "finish", wabaId, phoneNumberId };
    return {
      kind: "error",
      message: "Embedded Signup finished without a phone number: choose a number and try again.",
    };
  }
  return null;
}

/** The code of a login response (`{authResponse: {code}}`), or null when there is none. */
export function codeOf(response: unknown): string | null {
  if (!isObject(response) || !isObject(response.authResponse)) return null;
  const code = response.authResponse.code;
  return typeof code === "string" && code !== "" ? code : null;
}

/**
 * Gathers a flow's events into its result: Meta's FINISH and the code (in either order), or the first CANCEL, ERROR
 * or login without a code. `settle` is called once.
 */
export class SignupCollector {
  private finish: { wabaId: string; phoneNumberId: string } | null = null;
  private code: string | null | undefined = undefined;
  private done = false;

  constructor(private readonly settle: (result: SignupResult) => void) {}

  get settled(): boolean {
    return this.done;
  }

  take(event: SignupEvent): void {
    if (this.done) return;
    if (event.kind === "cancel") this.end({ outcome: "cancelled", step: event.step });
    else if (event.kind === "error") this.end({ outcome: "failed", message: event.message });
    else if (event.kind === "finish") this.finish = { wabaId: event.wabaId, phoneNumberId: event.phoneNumberId };
    else this.code = event.code;
    if (this.code === null) this.end({ outcome: "cancelled", step: null });
    else if (this.code !== undefined && this.finish) this.end({ outcome: "finished", code: this.code, ...this.finish });
  }

  /** The flow ended without a word (the popup was closed, or the code came without Meta's FINISH). */
  giveUp(): void {
    if (this.code !== undefined && this.code !== null && !this.finish) {
      this.end({ outcome: "failed", message: "Meta did not say which number was chosen. Start again." });
    } else {
      this.end({ outcome: "cancelled", step: null });
    }
  }

  private end(result: SignupResult): void {
    if (this.done) return;
    this.done = true;
    this.settle(result);
  }
}

/** The window the flows use: messages, timers and popups (the browser's `window`, or a test's stand-in). */
export interface SignupWindow {
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  open(url: string, target: string, features: string): { closed: boolean; focus(): void } | null;
  setInterval(handler: () => void, ms: number): number;
  clearInterval(id: number): void;
  setTimeout(handler: () => void, ms: number): number;
  location: { origin: string };
}

const POPUP_FEATURES = "popup,width=640,height=780";
const POPUP_BLOCKED = "The browser blocked the Embedded Signup window. Allow pop-ups for this site and try again.";
/** How long a flow waits for messages still on their way once its popup is closed or the code came. */
const GRACE_MS = 1500;

/** Listens for the flow's messages until it settles; answers the result. */
function listen(
  win: SignupWindow,
  origin: string,
  start: (collector: SignupCollector, stop: (ms: number) => void) => (() => void) | undefined,
): Promise<SignupResult> {
  return new Promise((resolve) => {
    const teardown: (() => void)[] = [];
    const collector = new SignupCollector((result) => {
      for (const undo of teardown) undo();
      resolve(result);
    });
    const onMessage = (event: MessageEvent) => {
      const read = readSignupMessage(event, origin);
      if (read) collector.take(read);
    };
    const stop = (ms: number) => {
      win.setTimeout(() => {
        collector.giveUp();
      }, ms);
    };
    win.addEventListener("message", onMessage);
    teardown.push(() => {
      win.removeEventListener("message", onMessage);
    });
    const cleanup = start(collector, stop);
    if (cleanup && collector.settled) cleanup();
    else if (cleanup) teardown.push(cleanup);
  });
}

/** Locally: the Meta sandbox's consent page in a popup, answering with messages only. */
export function sandboxSignup(config: EmbeddedSignupConfig, win: SignupWindow): EmbeddedSignup {
  return {
    prepare() {
      // the consent page needs nothing ahead
    },
    run() {
      return listen(win, config.origin, (collector, stop) => {
        const url = new URL(config.url);
        url.searchParams.set("origin", win.location.origin);
        url.searchParams.set("config_id", config.configId);
        const popup = win.open(url.toString(), "embedded-signup", POPUP_FEATURES);
        if (!popup) {
          collector.take({ kind: "error", message: POPUP_BLOCKED });
          return undefined;
        }
        popup.focus();
        const watch = win.setInterval(() => {
          if (popup.closed) {
            win.clearInterval(watch);
            stop(GRACE_MS);
          }
        }, 400);
        return () => {
          win.clearInterval(watch);
        };
      });
    },
  };
}

/** The part of Meta's JS SDK the portal uses. */
export interface FacebookSdk {
  init(options: { appId: string; autoLogAppEvents: boolean; xfbml: boolean; version: string }): void;
  login(callback: (response: unknown) => void, options: Json): void;
}

/** In AWS: Meta's JS SDK. `loadSdk` answers the initialised `FB` (loading the script once). */
export function facebookSignup(
  config: EmbeddedSignupConfig,
  win: SignupWindow,
  loadSdk: () => Promise<FacebookSdk>,
): EmbeddedSignup {
  return {
    prepare() {
      loadSdk().catch(() => undefined); // a failure is said when the user starts
    },
    async run() {
      let sdk: FacebookSdk;
      try {
        sdk = await loadSdk();
      } catch {
        return { outcome: "failed", message: "Facebook could not be reached. Check your connection and try again." };
      }
      return listen(win, config.origin, (collector, stop) => {
        sdk.login(
          (response) => {
            const code = codeOf(response);
            collector.take({ kind: "login", code });
            if (code) stop(GRACE_MS * 4); // Meta's FINISH normally comes first; give it a moment
          },
          {
            config_id: config.configId,
            response_type: "code",
            override_default_response_type: true,
            extras: { setup: {}, featureType: "", sessionInfoVersion: "3" },
          },
        );
        return undefined;
      });
    },
  };
}

interface FacebookWindow {
  FB?: FacebookSdk;
  fbAsyncInit?: () => void;
}

let sdkLoading: Promise<FacebookSdk> | null = null;

/** Loads Meta's JS SDK from `config.url` once and initialises it with the app id and Graph API version. */
function loadFacebookSdk(config: EmbeddedSignupConfig, appId: string): Promise<FacebookSdk> {
  sdkLoading ??= new Promise<FacebookSdk>((resolve, reject) => {
    const target = window as unknown as FacebookWindow;
    target.fbAsyncInit = () => {
      const sdk = target.FB;
      if (!sdk) {
        reject(new Error("Meta's SDK loaded without FB"));
        return;
      }
      sdk.init({ appId, autoLogAppEvents: true, xfbml: false, version: config.graphApiVersion });
      resolve(sdk);
    };
    const script = document.createElement("script");
    script.src = config.url;
    script.async = true;
    script.defer = true;
    script.crossOrigin = "anonymous";
    script.onerror = () => {
      sdkLoading = null;
      reject(new Error("Meta's SDK could not be loaded"));
    };
    document.body.append(script);
  });
  return sdkLoading;
}

/** The Embedded Signup config.json names, in this browser window. */
export function embeddedSignup(config: EmbeddedSignupConfig, appId: string): EmbeddedSignup {
  return config.sdk === "facebook"
    ? facebookSignup(config, window, () => loadFacebookSdk(config, appId))
    : sandboxSignup(config, window);
}
