import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { unwrap, useApi, type paths } from "../../lib/api";
import { meKey } from "../accounts";
import { hasOpen } from "./wording";

/** What an operation answers with `status` (JSON): the types follow the contract's paths, whatever its models' names. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: Record<S, { content: { "application/json": infer T } }>;
}
  ? T
  : never;

export type PartnerPermissions = Answer<"/v1/clients/{client_id}/partner-permissions", "get", 200>;
export type Scope = PartnerPermissions["scopes"][number];
export type ScopeChoice = PartnerPermissions["choices"][number];
export type ChangeRequest = Answer<"/v1/clients/{client_id}/partner-change-requests", "get", 200>["items"][number];
export type ChangeStatus = ChangeRequest["status"];
export type PartnerClient = Answer<"/v1/partner/clients", "get", 200>["items"][number];
export type PartnerSettings = Answer<"/v1/partner/settings", "get", 200>;

/** A client's requests page asks again this often while one is pending or accepted: the move shows as it completes. */
export const OPEN_REQUEST_POLL_MS = 3_000;
const PAGE_SIZE = 10;
const INBOX_PAGE_SIZE = 25;

/** Query keys: everything of partners starts with ["partners"]. */
export const partnerKeys = {
  permissions: (clientId: string) => ["partners", "permissions", clientId] as const,
  changes: (clientId: string) => ["partners", "changes", clientId] as const,
  changesPage: (clientId: string, cursor: string | undefined) =>
    ["partners", "changes", clientId, cursor ?? "first"] as const,
  inbox: ["partners", "inbox"] as const,
  inboxPage: (cursor: string | undefined) => ["partners", "inbox", cursor ?? "first"] as const,
  settings: ["partners", "settings"] as const,
  clients: ["partners", "clients"] as const,
};

/** What the client grants its partner, the partner itself and every scope it could grant (`GET …/partner-permissions`). */
export function usePermissions(clientId: string) {
  const api = useApi();
  return useQuery({
    queryKey: partnerKeys.permissions(clientId),
    queryFn: () =>
      unwrap(api.GET("/v1/clients/{client_id}/partner-permissions", { params: { path: { client_id: clientId } } })),
  });
}

/** The whole set of scopes from now on (`PUT …/partner-permissions`): a scope left out is revoked. */
export function useSavePermissions(clientId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (scopes: Scope[]) =>
      unwrap(
        api.PUT("/v1/clients/{client_id}/partner-permissions", {
          params: { path: { client_id: clientId } },
          body: { scopes },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(partnerKeys.permissions(clientId), saved);
    },
  });
}

/** Revoke every scope (`DELETE …/partner-permissions`): the partner keeps the client but may do nothing for it. */
export function useRevokeAll(clientId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/v1/clients/{client_id}/partner-permissions", { params: { path: { client_id: clientId } } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(partnerKeys.permissions(clientId), saved);
    },
  });
}

/** A page of the client's partner change requests, newest first; asked again while one is open. */
export function useChangeRequests(clientId: string, cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: partnerKeys.changesPage(clientId, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/v1/clients/{client_id}/partner-change-requests", {
          params: { path: { client_id: clientId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (hasOpen(query.state.data?.items) ? OPEN_REQUEST_POLL_MS : false),
  });
}

/** After the client's partner changed (or may have): its partner, permissions and the signed-in user's account. */
export function useRefreshPartner(clientId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: partnerKeys.permissions(clientId) }),
      queryClient.invalidateQueries({ queryKey: meKey }),
    ]);
}

/** Ask to move to another partner (`POST …/partner-change-requests`). */
export function useRequestChange(clientId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { target_partner_id: string; reason: string }) =>
      unwrap(
        api.POST("/v1/clients/{client_id}/partner-change-requests", {
          params: { path: { client_id: clientId } },
          body: request,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: partnerKeys.changes(clientId) }),
  });
}

/** Withdraw a pending request (`POST …/{request_id}/cancellation`). */
export function useWithdraw(clientId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (requestId: string) =>
      unwrap(
        api.POST("/v1/clients/{client_id}/partner-change-requests/{request_id}/cancellation", {
          params: { path: { client_id: clientId, request_id: requestId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: partnerKeys.changes(clientId) }),
  });
}

/** A page of the requests addressed to the calling partner (`GET /v1/partner/change-requests`), newest first. */
export function useInbox(cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: partnerKeys.inboxPage(cursor),
    queryFn: () =>
      unwrap(
        api.GET("/v1/partner/change-requests", {
          params: { query: { limit: INBOX_PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
    // an accepted request completes a moment later; pending ones wait for this partner, new ones come now and then
    refetchInterval: (query) =>
      query.state.data?.items.some((request) => request.status === "accepted") ? OPEN_REQUEST_POLL_MS : 30_000,
  });
}

/** Accept or decline a pending request (`POST /v1/partner/change-requests/{request_id}/decision`). */
export function useDecide() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ requestId, decision, note }: { requestId: string; decision: "accept" | "decline"; note?: string }) =>
      unwrap(
        api.POST("/v1/partner/change-requests/{request_id}/decision", {
          params: { path: { request_id: requestId } },
          body: { decision, ...(note ? { note } : {}) },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: partnerKeys.inbox }),
        queryClient.invalidateQueries({ queryKey: partnerKeys.clients }),
        queryClient.invalidateQueries({ queryKey: meKey }),
      ]),
  });
}

/** The calling partner's settings (`GET /v1/partner/settings`): its name and auto-approval. */
export function usePartnerSettings() {
  const api = useApi();
  return useQuery({
    queryKey: partnerKeys.settings,
    queryFn: () => unwrap(api.GET("/v1/partner/settings")),
  });
}

export function useSavePartnerSettings() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (autoApprove: boolean) =>
      unwrap(api.PUT("/v1/partner/settings", { body: { auto_approve: autoApprove } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(partnerKeys.settings, saved);
    },
  });
}

/** The calling partner's clients with what each granted (`GET /v1/partner/clients`, one page). */
export function usePartnerClients() {
  const api = useApi();
  return useQuery({
    queryKey: partnerKeys.clients,
    queryFn: () => unwrap(api.GET("/v1/partner/clients")),
  });
}

/**
 * The clients and their numbers as CSV (`GET /v1/partner/clients/export`): fetched with the bearer token like every
 * request, then saved as a download.
 */
export function useExportClients(save: (file: Blob) => void) {
  const api = useApi();
  return useMutation({
    mutationFn: () => unwrap(api.GET("/v1/partner/clients/export", { parseAs: "blob" })),
    onSuccess: save,
  });
}
