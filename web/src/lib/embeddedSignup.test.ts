import { describe, expect, it } from "vitest";

import type { EmbeddedSignupConfig } from "./config";
import {
  facebookSignup,
  readSignupMessage,
  sandboxSignup,
  trustedOrigin,
  type FacebookSdk,
  type SignupWindow,
} from "./embeddedSignup";

const SANDBOX = "http://127.0.0.1:8752";
const FINISH = {
  type: "WA_EMBEDDED_SIGNUP",
  event: "FINISH",
  data: { phone_number_id: "1700000000001001", waba_id: "1700000000001002", business_id: "1700000000001003" },
};
const CANCEL = { type: "WA_EMBEDDED_SIGNUP", event: "CANCEL", data: { current_step: "PHONE_NUMBER_SETUP" } };
const LOGIN = { type: "SANDBOX_FB_LOGIN", status: "connected", authResponse: { code: "sandbox-1700000000001001" } };
const NO_LOGIN = { type: "SANDBOX_FB_LOGIN", status: "unknown", authResponse: null };

const sandboxConfig: EmbeddedSignupConfig = {
  sdk: "sandbox",
  url: `${SANDBOX}/embedded-signup`,
  origin: SANDBOX,
  configId: "000000000000001",
  graphApiVersion: "v23.0",
};

describe("readSignupMessage", () => {
  it("reads Meta's FINISH, as JSON text or as an object", () => {
    const finish = { kind: "finish", wabaId: "1700000000001002", phoneNumberId: "1700000000001001" };

    expect(readSignupMessage({ origin: SANDBOX, data: JSON.stringify(FINISH) }, SANDBOX)).toEqual(finish);
    expect(readSignupMessage({ origin: SANDBOX, data: FINISH }, SANDBOX)).toEqual(finish);
  });

  it("reads CANCEL with its step, ERROR with Meta's words and the login's code", () => {
    const error = { type: "WA_EMBEDDED_SIGNUP", event: "ERROR", data: { error_message: "Session expired" } };

    expect(readSignupMessage({ origin: SANDBOX, data: CANCEL }, SANDBOX)).toEqual({
      kind: "cancel",
      step: "PHONE_NUMBER_SETUP",
    });
    expect(readSignupMessage({ origin: SANDBOX, data: error }, SANDBOX)).toEqual({
      kind: "error",
      message: "Session expired",
    });
    expect(readSignupMessage({ origin: SANDBOX, data: LOGIN }, SANDBOX)).toEqual({
      kind: "login",
      code: "sandbox-1700000000001001",
    });
    expect(readSignupMessage({ origin: SANDBOX, data: NO_LOGIN }, SANDBOX)).toEqual({ kind: "login", code: null });
  });

  it("takes a FINISH without a number as an error", () => {
    const onlyWaba = { type: "WA_EMBEDDED_SIGNUP", event: "FINISH_ONLY_WABA", data: { waba_id: "1" } };

    expect(readSignupMessage({ origin: SANDBOX, data: onlyWaba }, SANDBOX)).toMatchObject({ kind: "error" });
  });

  it("ignores messages from anywhere else and messages of other kinds", () => {
    expect(readSignupMessage({ origin: "http://127.0.0.1:8750", data: FINISH }, SANDBOX)).toBeNull();
    expect(readSignupMessage({ origin: "https://evil.example", data: LOGIN }, SANDBOX)).toBeNull();
    expect(readSignupMessage({ origin: SANDBOX, data: "not json" }, SANDBOX)).toBeNull();
    expect(readSignupMessage({ origin: SANDBOX, data: { type: "webpackOk" } }, SANDBOX)).toBeNull();
  });
});

describe("trustedOrigin", () => {
  it("trusts the configured origin and Meta's other https hosts only", () => {
    const meta = "https://www.facebook.com";

    expect(trustedOrigin("https://www.facebook.com", meta)).toBe(true);
    expect(trustedOrigin("https://web.facebook.com", meta)).toBe(true);
    expect(trustedOrigin("http://web.facebook.com", meta)).toBe(false);
    expect(trustedOrigin("https://facebook.com.evil.example", meta)).toBe(false);
    expect(trustedOrigin("https://notfacebook.com", meta)).toBe(false);
    expect(trustedOrigin("http://127.0.0.1:8753", SANDBOX)).toBe(false);
  });
});

/** A window whose popup, messages and timers the test drives. */
class FakeWindow implements SignupWindow {
  location = { origin: "http://127.0.0.1:8750" };
  opened: string[] = [];
  popup = { closed: false, focus: () => undefined };
  blocksPopups = false;
  private listeners: ((event: MessageEvent) => void)[] = [];
  private timers: (() => void)[] = [];

  addEventListener(_type: "message", listener: (event: MessageEvent) => void) {
    this.listeners.push(listener);
  }
  removeEventListener(_type: "message", listener: (event: MessageEvent) => void) {
    this.listeners = this.listeners.filter((known) => known !== listener);
  }
  open(url: string) {
    this.opened.push(url);
    return this.blocksPopups ? null : this.popup;
  }
  setInterval(handler: () => void) {
    this.timers.push(handler);
    return this.timers.length;
  }
  clearInterval(id: number) {
    this.timers[id - 1] = () => undefined;
  }
  setTimeout(handler: () => void) {
    this.timers.push(handler);
    return this.timers.length;
  }
  post(data: unknown, origin = SANDBOX) {
    for (const listener of [...this.listeners]) listener({ origin, data } as MessageEvent);
  }
  tick() {
    for (const timer of [...this.timers]) timer();
  }
  get listening(): number {
    return this.listeners.length;
  }
}

describe("the sandbox's Embedded Signup", () => {
  it("opens the consent page with the portal's origin and answers FINISH with the code", async () => {
    const win = new FakeWindow();
    const running = sandboxSignup(sandboxConfig, win).run();

    win.post(JSON.stringify(FINISH), "https://evil.example"); // not the sandbox: ignored
    win.post(JSON.stringify(FINISH));
    win.post(JSON.stringify(LOGIN));

    await expect(running).resolves.toEqual({
      outcome: "finished",
      code: "sandbox-1700000000001001",
      wabaId: "1700000000001002",
      phoneNumberId: "1700000000001001",
    });
    expect(win.opened).toEqual([
      `${SANDBOX}/embedded-signup?origin=http%3A%2F%2F127.0.0.1%3A8750&config_id=000000000000001`,
    ]);
    expect(win.listening).toBe(0);
  });

  it("answers cancelled when the user cancels, or closes the popup without a word", async () => {
    const cancelling = new FakeWindow();
    const cancelled = sandboxSignup(sandboxConfig, cancelling).run();
    cancelling.post(JSON.stringify(CANCEL));

    const closing = new FakeWindow();
    const closed = sandboxSignup(sandboxConfig, closing).run();
    closing.popup.closed = true;
    closing.tick(); // the popup watch sees it closed
    closing.tick(); // the grace for late messages is over

    await expect(cancelled).resolves.toEqual({ outcome: "cancelled", step: "PHONE_NUMBER_SETUP" });
    await expect(closed).resolves.toEqual({ outcome: "cancelled", step: null });
  });

  it("says so when the browser blocks the popup", async () => {
    const win = new FakeWindow();
    win.blocksPopups = true;

    await expect(sandboxSignup(sandboxConfig, win).run()).resolves.toMatchObject({
      outcome: "failed",
      message: expect.stringContaining("blocked") as string,
    });
  });
});

describe("Meta's SDK", () => {
  const facebookConfig: EmbeddedSignupConfig = {
    sdk: "facebook",
    url: "https://connect.facebook.net/en_US/sdk.js",
    origin: "https://www.facebook.com",
    configId: "1234567890",
    graphApiVersion: "v23.0",
  };

  it("logs in with the configuration for a code and takes Meta's FINISH message", async () => {
    const win = new FakeWindow();
    const logins: unknown[] = [];
    const sdk: FacebookSdk = {
      init: () => undefined,
      login: (callback, options) => {
        logins.push(options);
        win.post(JSON.stringify(FINISH), "https://www.facebook.com");
        callback({ authResponse: { code: "AQBx-code" }, status: "connected" });
      },
    };

    const result = await facebookSignup(facebookConfig, win, () => Promise.resolve(sdk)).run();

    expect(result).toEqual({
      outcome: "finished",
      code: "AQBx-code",
      wabaId: "1700000000001002",
      phoneNumberId: "1700000000001001",
    });
    expect(logins).toEqual([
      {
        config_id: "1234567890",
        response_type: "code",
        override_default_response_type: true,
        extras: { setup: {}, featureType: "", sessionInfoVersion: "3" },
      },
    ]);
  });

  it("starts loading the SDK ahead of the click", async () => {
    let loads = 0;
    const sdk: FacebookSdk = {
      init: () => undefined,
      login: (callback) => {
        callback({ authResponse: null });
      },
    };
    const signup = facebookSignup(facebookConfig, new FakeWindow(), () => {
      loads += 1;
      return Promise.resolve(sdk);
    });

    signup.prepare();

    expect(loads).toBe(1);
    await expect(signup.run()).resolves.toEqual({ outcome: "cancelled", step: null });
  });

  it("answers cancelled when FB.login comes back without a code, failed when the SDK cannot load", async () => {
    const sdk: FacebookSdk = {
      init: () => undefined,
      login: (callback) => {
        callback({ authResponse: null, status: "unknown" });
      },
    };

    const cancelled = await facebookSignup(facebookConfig, new FakeWindow(), () => Promise.resolve(sdk)).run();
    const offline = await facebookSignup(facebookConfig, new FakeWindow(), () => Promise.reject(new Error("x"))).run();

    expect(cancelled).toEqual({ outcome: "cancelled", step: null });
    expect(offline).toMatchObject({ outcome: "failed" });
  });
});
