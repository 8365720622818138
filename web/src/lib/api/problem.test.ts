import { describe, expect, it } from "vitest";

import { createApiClient, unwrap } from "./client";
import { ApiError, toApiError } from "./problem";

const PROBLEMS = "https://docs.client-hub.example/problems/";

describe("toApiError", () => {
  it("keeps a problem's fields and each invalid field", () => {
    const error = toApiError(422, {
      type: `${PROBLEMS}validation-failed`,
      title: "Validation failed",
      status: 422,
      detail: "The display name is not valid.",
      errors: [
        { field: "body.display_name", message: "Use at most 2 capital letters in a row." },
        { field: "query.limit", message: "Input should be less than or equal to 100" },
        { field: 7, message: "not a field error" },
      ],
    });

    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.title, error.detail, error.slug]).toEqual([
      422,
      "Validation failed",
      "The display name is not valid.",
      "validation-failed",
    ]);
    expect(error.errors).toHaveLength(2);
    expect(error.fieldErrors("display_name")).toEqual(["Use at most 2 capital letters in a row."]);
    expect(error.fieldErrors("query.limit")).toEqual(["Input should be less than or equal to 100"]);
    expect(error.fieldErrors("waba_id")).toEqual([]);
  });

  it("reads the gateway's own refusal", () => {
    const error = toApiError(401, { message: "Unauthorized" });

    expect([error.status, error.title, error.detail, error.errors]).toEqual([401, "Unauthorized", "Unauthorized", []]);
  });

  it("makes do with a body that is no JSON or nothing", () => {
    expect(toApiError(502, "<html>Bad Gateway</html>").detail).toBe("<html>Bad Gateway</html>");
    expect(toApiError(503, undefined).detail).toBe("Service unavailable");
    expect(toApiError(418, null).title).toBe("HTTP 418");
  });
});

describe("the API client", () => {
  const problem = {
    type: `${PROBLEMS}not-found`,
    title: "Not found",
    status: 404,
    detail: "No number 1 here.",
  };

  function recording(status: number, body: unknown, contentType = "application/json") {
    const seen: Request[] = [];
    const fetchImpl = (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Request(input, init));
      return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } }));
    };
    return { seen, fetchImpl };
  }

  it("sends the ID token as a bearer token to the configured base", async () => {
    const { seen, fetchImpl } = recording(200, { items: [], next_cursor: null });
    const api = createApiClient("http://hub.test/v1", () => Promise.resolve("id-token"), fetchImpl);

    const page = await unwrap(api.GET("/v1/numbers", { params: { query: { limit: 5, client_id: "globex" } } }));

    expect(page.items).toEqual([]);
    expect(seen.map((request) => [request.url, request.headers.get("authorization")])).toEqual([
      ["http://hub.test/v1/numbers?limit=5&client_id=globex", "Bearer id-token"],
    ]);
  });

  it("turns a problem+json answer into an ApiError", async () => {
    const { fetchImpl } = recording(404, problem, "application/problem+json");
    const api = createApiClient("http://hub.test/v1", () => Promise.resolve("id-token"), fetchImpl);

    const failed = unwrap(api.GET("/v1/numbers/{number_id}", { params: { path: { number_id: "1" } } }));

    await expect(failed).rejects.toMatchObject({ status: 404, detail: "No number 1 here.", slug: "not-found" });
  });

  it("turns a failed fetch into a network error", async () => {
    const offline = () => Promise.reject(new TypeError("Failed to fetch"));
    const api = createApiClient("http://hub.test/v1", () => Promise.resolve(undefined), offline);

    await expect(unwrap(api.GET("/v1/me"))).rejects.toMatchObject({ status: 0, title: "No connection" });
  });
});
