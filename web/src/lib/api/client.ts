import createClient, { type Client } from "openapi-fetch";

import { networkError, toApiError } from "./problem";
import type { paths } from "./schema.gen";

export type ApiClient = Client<paths>;

/** Answers the ID token to send (the API's JWT authorizer checks ID tokens), refreshing it when it has expired. */
export type TokenSource = () => Promise<string | undefined>;

/**
 * The one client of the hub's API: typed by `docs/openapi.json` (openapi-fetch over the generated `paths`), sending
 * `Authorization: Bearer <ID token>` on every request.
 *
 * `baseUrl` is the configured API base (`/v1`); the generated paths start with `/v1`, so the client's base is the
 * origin part of it and the paths stay exactly as the contract names them.
 */
export function createApiClient(apiBaseUrl: string, token: TokenSource, fetchImpl?: typeof fetch): ApiClient {
  const client = createClient<paths>({
    baseUrl: apiBaseUrl.replace(/\/v1$/, ""),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  client.use({
    async onRequest({ request }) {
      const idToken = await token();
      if (idToken) request.headers.set("Authorization", `Bearer ${idToken}`);
      return request;
    },
  });
  return client;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful answer, or an ApiError carrying the problem+json of a failed one (or a network error).
 *
 *     const page = await unwrap(api.GET("/v1/numbers", { params: { query: { limit: 25 } } }));
 */
export async function unwrap<T>(request: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await request;
  } catch {
    throw networkError();
  }
  if (!answer.response.ok || answer.data === undefined) {
    throw toApiError(answer.response.status, answer.error);
  }
  return answer.data;
}
