import { describe, expect, it } from "vitest";

import { ConfigError, loadConfig, parseConfig } from "./config";

const local = {
  api_base_url: "/v1",
  cognito: {
    user_pool_id: "eu-central-1_a1b2c3d4e5",
    user_pool_client_id: "abc123",
    endpoint: "http://127.0.0.1:8751",
  },
  meta_app_id: "000000000000000",
  embedded_signup: {
    sdk: "sandbox",
    url: "http://127.0.0.1:8752/embedded-signup",
    origin: "http://127.0.0.1:8752",
    config_id: "000000000000001",
    graph_api_version: "v23.0",
  },
  links: {
    documentation: "https://docs.client-hub.example",
    roadmap: "https://roadmap.client-hub.example",
    status: "https://status.client-hub.example",
  },
};

const answering = (status: number, body: string) => (): Promise<Response> =>
  Promise.resolve(new Response(body, { status, headers: { "content-type": "application/json" } }));

describe("parseConfig", () => {
  it("reads the local settings", () => {
    expect(parseConfig(local)).toEqual({
      apiBaseUrl: "/v1",
      cognito: { userPoolId: "eu-central-1_a1b2c3d4e5", userPoolClientId: "abc123", endpoint: "http://127.0.0.1:8751" },
      metaAppId: "000000000000000",
      embeddedSignup: {
        sdk: "sandbox",
        url: "http://127.0.0.1:8752/embedded-signup",
        origin: "http://127.0.0.1:8752",
        configId: "000000000000001",
        graphApiVersion: "v23.0",
      },
      links: {
        documentation: "https://docs.client-hub.example",
        roadmap: "https://roadmap.client-hub.example",
        status: "https://status.client-hub.example",
      },
    });
  });

  it("leaves the Cognito endpoint out in AWS, and drops a trailing slash of the API base", () => {
    const cognito = {
      user_pool_id: local.cognito.user_pool_id,
      user_pool_client_id: local.cognito.user_pool_client_id,
    };
    const config = parseConfig({ ...local, api_base_url: "https://api.example.com/prod/v1/", cognito });

    expect(config.cognito).toEqual({ userPoolId: "eu-central-1_a1b2c3d4e5", userPoolClientId: "abc123" });
    expect(config.apiBaseUrl).toBe("https://api.example.com/prod/v1");
  });

  it("reads Meta's SDK for Embedded Signup in AWS", () => {
    const facebook = {
      sdk: "facebook",
      url: "https://connect.facebook.net/en_US/sdk.js",
      origin: "https://www.facebook.com",
      config_id: "1234567890",
      graph_api_version: "v23.0",
    };

    expect(parseConfig({ ...local, embedded_signup: facebook }).embeddedSignup).toEqual({
      sdk: "facebook",
      url: "https://connect.facebook.net/en_US/sdk.js",
      origin: "https://www.facebook.com",
      configId: "1234567890",
      graphApiVersion: "v23.0",
    });
  });

  it("refuses an Embedded Signup it cannot run or whose messages it could not check", () => {
    const signup = { ...local.embedded_signup, sdk: "popup", origin: "https://www.facebook.com/dialog", config_id: "" };

    expect(() => parseConfig({ ...local, embedded_signup: signup })).toThrow(
      'embedded_signup.sdk must be "facebook" or "sandbox"; embedded_signup.origin must be an origin (https://host[:port]); embedded_signup.config_id must be a non-empty string',
    );
    expect(() => parseConfig({ ...local, embedded_signup: undefined })).toThrow("embedded_signup must be an object");
  });

  it("names every missing or wrong field at once", () => {
    const broken = { ...local, cognito: { user_pool_id: "pool" }, links: { ...local.links, status: "javascript:x" } };

    expect(() => parseConfig(broken)).toThrow(ConfigError);
    try {
      parseConfig(broken);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "cognito.user_pool_id must look like eu-central-1_AbC123",
        "cognito.user_pool_client_id must be a non-empty string",
        "links.status must be an http(s) URL",
      ]);
    }
  });

  it("refuses what is not an object", () => {
    expect(() => parseConfig([])).toThrow(/it is not a JSON object/);
  });
});

describe("loadConfig", () => {
  it("fetches /config.json without the cache", async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const fetchImpl = (url: string, init?: RequestInit) => {
      seen.push({ url, init });
      return answering(200, JSON.stringify(local))();
    };

    const config = await loadConfig(fetchImpl as typeof fetch);

    expect(config.links.status).toBe("https://status.client-hub.example");
    expect(seen.map((call) => [call.url, call.init?.cache])).toEqual([["/config.json", "no-store"]]);
  });

  it("says what went wrong when the file is missing, not JSON or unreachable", async () => {
    await expect(loadConfig(answering(404, "Not Found") as typeof fetch)).rejects.toThrow("/config.json answered 404");
    await expect(loadConfig(answering(200, "<html>") as typeof fetch)).rejects.toThrow("/config.json is not JSON");
    const offline = () => Promise.reject(new TypeError("Failed to fetch"));
    await expect(loadConfig(offline as typeof fetch)).rejects.toThrow("/config.json could not be fetched");
  });
});
