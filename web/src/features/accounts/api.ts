import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { unwrap, useApi, type components } from "../../lib/api";

export type Me = components["schemas"]["Me"];
export type ClientEntry = components["schemas"]["ClientEntry"];

export const meKey = ["accounts", "me"] as const;
export const clientsKey = (search: string) => ["accounts", "clients", search] as const;

/** The signed-in caller (`GET /v1/me`): role, client or the partner's grants. */
export function useMe() {
  const api = useApi();
  return useQuery({
    queryKey: meKey,
    queryFn: () => unwrap(api.GET("/v1/me")),
    staleTime: 5 * 60_000,
  });
}

/** Change the caller's username (`PATCH /v1/me`); the answer is the caller as it is now. */
export function useChangeMe() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (username: string) => unwrap(api.PATCH("/v1/me", { body: { username } })),
    onSuccess: (me) => {
      queryClient.setQueryData(meKey, me);
    },
  });
}

/** Ask to sign in with a new address (`POST /v1/me/email`): Cognito mails a code to it. */
export function useRequestEmailChange() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/v1/me/email", { body: { email } })),
    onSuccess: (me) => {
      queryClient.setQueryData(meKey, me);
    },
  });
}

/** Once the code was verified with Cognito: the new address signs in, after a new password (`POST /v1/me/email/confirmation`). */
export function useConfirmEmailChange() {
  const api = useApi();
  return useMutation({ mutationFn: () => unwrap(api.POST("/v1/me/email/confirmation")) });
}

/** The clients the caller may act for (`GET /v1/clients`), page after page; `search` is a name prefix or an id. */
export function useClients(search: string) {
  const api = useApi();
  const q = search.trim();
  return useInfiniteQuery({
    queryKey: clientsKey(q),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/clients", {
          params: { query: { limit: 20, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/**
 * The clients a caller may act for, when it is not a client user itself (null: any client, for support). A partner
 * acts for the clients that granted it something: one that granted nothing (or revoked everything) is its client
 * still, but the partner may do nothing for it.
 */
export function actableClients(me: Me): string[] | null {
  if (me.role === "support") return null;
  if (me.role === "partner") {
    return (me.grants ?? []).filter((grant) => grant.scopes.length > 0).map((grant) => grant.client_id);
  }
  return me.client ? [me.client.client_id] : [];
}
