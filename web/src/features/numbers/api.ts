import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { unwrap, useApi, type components } from "../../lib/api";

export type PhoneNumber = components["schemas"]["PhoneNumberView"];
export type NumberAction = components["schemas"]["NumberAction"];
export type AccountStatus = components["schemas"]["AccountStatus"];

/** Query keys: everything about numbers starts with ["numbers"], so one invalidation refreshes it all. */
export const numbersKeys = {
  all: ["numbers"] as const,
  page: (clientId: string | undefined, limit: number, cursor: string | undefined) =>
    ["numbers", "list", clientId ?? "own", limit, cursor ?? "first"] as const,
  one: (numberId: string) => ["numbers", "one", numberId] as const,
};

/** One page of `GET /v1/numbers` (clientId: the client a partner or support agent acts for; none for clients). */
export function useNumbersPage(clientId: string | undefined, limit: number, cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: numbersKeys.page(clientId, limit, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/v1/numbers", {
          params: { query: { limit, ...(clientId ? { client_id: clientId } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** One number (`GET /v1/numbers/{number_id}`). */
export function useNumber(numberId: string) {
  const api = useApi();
  return useQuery({
    queryKey: numbersKeys.one(numberId),
    queryFn: () => unwrap(api.GET("/v1/numbers/{number_id}", { params: { path: { number_id: numberId } } })),
  });
}
