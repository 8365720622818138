import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

import { ApiError, unwrap, useApi, type components } from "../../lib/api";

export type PhoneNumber = components["schemas"]["PhoneNumberView"];
export type NumberAction = components["schemas"]["NumberAction"];
export type AccountStatus = components["schemas"]["AccountStatus"];
export type Cancellation = components["schemas"]["Cancellation"];
export type Inbox = components["schemas"]["InboxView"];
export type DisplayName = components["schemas"]["DisplayNameView"];
export type DisplayNameRequest = components["schemas"]["DisplayNameRequestView"];

/** How often a number's page asks again while Meta reviews its display name (the answer comes by webhook). */
const REVIEW_POLL_MS = 3_000;

/** Query keys: everything about numbers starts with ["numbers"], so one invalidation refreshes it all. */
export const numbersKeys = {
  all: ["numbers"] as const,
  lists: ["numbers", "list"] as const,
  page: (clientId: string | undefined, limit: number, cursor: string | undefined) =>
    ["numbers", "list", clientId ?? "own", limit, cursor ?? "first"] as const,
  one: (numberId: string) => ["numbers", "one", numberId] as const,
  inbox: (numberId: string) => ["numbers", "inbox", numberId] as const,
  displayName: (numberId: string) => ["numbers", "display-name", numberId] as const,
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

/** After a change of one number: its page and every list it shows in are read again. */
function useRefreshNumber(numberId: string) {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: numbersKeys.lists }),
        queryClient.invalidateQueries({ queryKey: numbersKeys.one(numberId) }),
      ]),
    [queryClient, numberId],
  );
}

/** Cancel Subscription (`POST …/cancellation`): answers the cancellation with its `deletion_at`. */
export function useCancelNumber(numberId: string) {
  const api = useApi();
  const refresh = useRefreshNumber(numberId);
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST("/v1/numbers/{number_id}/cancellation", { params: { path: { number_id: numberId } } })),
    onSuccess: () => {
      void refresh(); // not awaited: the dialog closes at once, the row follows
    },
  });
}

/**
 * Withdraw a cancellation (`DELETE …/cancellation`): the number returns to the status it had. It stays pending until
 * the number is read again (no second press meanwhile); `onWithdrawn` runs first, even if the caller is gone by then.
 */
export function useWithdrawCancellation(numberId: string, onWithdrawn: () => void) {
  const api = useApi();
  const refresh = useRefreshNumber(numberId);
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/v1/numbers/{number_id}/cancellation", { params: { path: { number_id: numberId } } })),
    onSuccess: () => {
      onWithdrawn();
      return refresh();
    },
  });
}

/** The number's get.chat inbox (`GET …/inbox`), or null when none was activated (the API answers 404). */
export function useInbox(numberId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: numbersKeys.inbox(numberId),
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/v1/numbers/{number_id}/inbox", { params: { path: { number_id: numberId } } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    enabled,
  });
}

/** Activate Inbox (`POST …/inbox`): provisions the number's get.chat inbox and answers it. */
export function useActivateInbox(numberId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = useRefreshNumber(numberId);
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/numbers/{number_id}/inbox", { params: { path: { number_id: numberId } } })),
    onSuccess: (inbox) => {
      queryClient.setQueryData(numbersKeys.inbox(numberId), inbox);
      return refresh();
    },
  });
}

/**
 * The number's display name as its page shows it (`GET …/display-name`): asked again every REVIEW_POLL_MS while a
 * request is under review, and once Meta decided it, the number itself is read again (it carries the name).
 */
export function useDisplayName(numberId: string) {
  const api = useApi();
  const refresh = useRefreshNumber(numberId);
  const query = useQuery({
    queryKey: numbersKeys.displayName(numberId),
    queryFn: () =>
      unwrap(api.GET("/v1/numbers/{number_id}/display-name", { params: { path: { number_id: numberId } } })),
    refetchInterval: (current) => (current.state.data?.pending ? REVIEW_POLL_MS : false),
  });
  const pendingId = query.data?.pending?.request_id;
  const watched = useRef(pendingId);
  useEffect(() => {
    if (watched.current && watched.current !== pendingId) void refresh();
    watched.current = pendingId;
  }, [pendingId, refresh]);
  return query;
}

/** Ask Meta for a new display name (`POST …/display-name`): 201 `pending_review`, or 202 `submitting`. */
export function useRequestDisplayName(numberId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (displayName: string) =>
      unwrap(
        api.POST("/v1/numbers/{number_id}/display-name", {
          params: { path: { number_id: numberId } },
          body: { display_name: displayName },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: numbersKeys.displayName(numberId) }),
        queryClient.invalidateQueries({ queryKey: numbersKeys.one(numberId) }),
      ]),
  });
}
