/**
 * The portal's settings, read at start-up from `/config.json` beside the app: one build serves every stage.
 *
 * Locally the gateway of `make run` answers it; in AWS the deployment writes it to the portal's bucket
 * (see the README, "The portal"). Its fields are snake_case, like the API's.
 */

export interface PortalConfig {
  /** Where the HTTP API is, e.g. `/v1` (same origin) or `https://api.example.com/prod/v1`. */
  apiBaseUrl: string;
  cognito: {
    userPoolId: string;
    userPoolClientId: string;
    /** A Cognito endpoint other than AWS's (the local moto server); absent in AWS. */
    endpoint?: string;
  };
  metaAppId: string;
  embeddedSignup: EmbeddedSignupConfig;
  links: { documentation: string; roadmap: string; status: string };
}

/**
 * How "Add number" runs Meta's Embedded Signup: in AWS with Meta's Facebook JS SDK (`sdk: "facebook"`, `url` the
 * SDK's script, `origin` Meta's, whose `message` events are trusted); locally with the Meta sandbox's consent page
 * (`sdk: "sandbox"`, `url` the page the popup opens, `origin` the sandbox's).
 */
export interface EmbeddedSignupConfig {
  sdk: "facebook" | "sandbox";
  url: string;
  origin: string;
  /** The Embedded Signup configuration (Meta's App Dashboard, Facebook Login for Business). */
  configId: string;
  /** The Graph API version the SDK is initialised with, e.g. `v23.0`. */
  graphApiVersion: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The portal's settings (config.json) are not usable: ${problems.join("; ")}.`);
    this.name = "ConfigError";
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** The settings in a parsed `config.json`; a ConfigError names every field that is missing or wrong. */
export function parseConfig(raw: unknown): PortalConfig {
  const problems: string[] = [];
  const root = isObject(raw) ? raw : {};
  if (!isObject(raw)) problems.push("it is not a JSON object");

  const text = (parent: Json, name: string, path: string, check?: (value: string) => string | null): string => {
    const value = parent[name];
    if (typeof value !== "string" || value.trim() === "") {
      problems.push(`${path} must be a non-empty string`);
      return "";
    }
    const problem = check?.(value);
    if (problem) problems.push(`${path} ${problem}`);
    return value;
  };
  const section = (name: string): Json => {
    const value = root[name];
    if (!isObject(value)) {
      problems.push(`${name} must be an object`);
      return {};
    }
    return value;
  };
  const url = (value: string): string | null => (isHttpUrl(value) ? null : "must be an http(s) URL");
  const apiBase = (value: string): string | null =>
    value.startsWith("/") || isHttpUrl(value) ? null : "must be a path (/v1) or an http(s) URL";
  const poolId = (value: string): string | null =>
    /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/.test(value) ? null : "must look like eu-central-1_AbC123";

  const origin = (value: string): string | null =>
    isHttpUrl(value) && new URL(value).origin === value ? null : "must be an origin (https://host[:port])";
  const sdk = (value: string): string | null =>
    value === "facebook" || value === "sandbox" ? null : 'must be "facebook" or "sandbox"';

  const cognito = section("cognito");
  const signup = section("embedded_signup");
  const links = section("links");
  const config: PortalConfig = {
    apiBaseUrl: text(root, "api_base_url", "api_base_url", apiBase).replace(/\/+$/, ""),
    cognito: {
      userPoolId: text(cognito, "user_pool_id", "cognito.user_pool_id", poolId),
      userPoolClientId: text(cognito, "user_pool_client_id", "cognito.user_pool_client_id"),
    },
    metaAppId: text(root, "meta_app_id", "meta_app_id"),
    embeddedSignup: {
      sdk: text(signup, "sdk", "embedded_signup.sdk", sdk) === "facebook" ? "facebook" : "sandbox",
      url: text(signup, "url", "embedded_signup.url", url),
      origin: text(signup, "origin", "embedded_signup.origin", origin),
      configId: text(signup, "config_id", "embedded_signup.config_id"),
      graphApiVersion: text(signup, "graph_api_version", "embedded_signup.graph_api_version"),
    },
    links: {
      documentation: text(links, "documentation", "links.documentation", url),
      roadmap: text(links, "roadmap", "links.roadmap", url),
      status: text(links, "status", "links.status", url),
    },
  };
  if (cognito.endpoint !== undefined && cognito.endpoint !== null) {
    config.cognito.endpoint = text(cognito, "endpoint", "cognito.endpoint", url);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Fetch and check `/config.json` (never cached: a deployment may change it without a new build). */
export async function loadConfig(fetchImpl: typeof fetch = fetch, url = "/config.json"): Promise<PortalConfig> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: "no-store", headers: { accept: "application/json" } });
  } catch {
    throw new ConfigError([`${url} could not be fetched`]);
  }
  if (!response.ok) throw new ConfigError([`${url} answered ${response.status}`]);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError([`${url} is not JSON`]);
  }
  return parseConfig(body);
}
