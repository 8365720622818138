import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { unwrap, useApi, type ApiClient, type paths } from "../../lib/api";
import type { Me } from "../accounts";
import { CATEGORIES, type TicketCategory } from "./wording";

/** What an operation answers with `status` (JSON): the types follow the contract's paths, whatever its models' names. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: Record<S, { content: { "application/json": infer T } }>;
}
  ? T
  : never;

export type TicketDetail = Answer<"/v1/tickets/{ticket_id}", "get", 200>;
export type Ticket = Answer<"/v1/tickets", "get", 200>["items"][number];
export type TicketStatus = Ticket["status"];
export type Priority = Ticket["priority"];
export type Message = TicketDetail["thread"][number];
export type Attachment = TicketDetail["attachments"][number];
export type UploadForm = Answer<"/v1/tickets/{ticket_id}/attachments", "post", 201>["upload"];
export type QueueFigures = Answer<"/v1/support/figures", "get", 200>;

export function isCategory(value: string): value is TicketCategory {
  return (CATEGORIES as readonly string[]).includes(value);
}

const PAGE_SIZE = 25;
/** A ticket's page asks again this often while it is shown: the other side's answers appear without a reload. */
export const TICKET_POLL_MS = 5_000;

/** The list's filters; "" is any. `client` and `assignee` are the agents' queue's. */
export interface TicketFilters {
  status: TicketStatus | "";
  category: TicketCategory | "";
  priority: Priority | "";
  client: string;
  assignee: string;
}

export const NO_FILTERS: TicketFilters = { status: "", category: "", priority: "", client: "", assignee: "" };

/** Query keys: everything of support starts with ["support"]. */
export const supportKeys = {
  lists: ["support", "list"] as const,
  list: (filters: TicketFilters, cursor: string | undefined) =>
    ["support", "list", filters, cursor ?? "first"] as const,
  ticket: (ticketId: string) => ["support", "ticket", ticketId] as const,
  figures: ["support", "figures"] as const,
  numbers: (clientId: string | undefined) => ["support", "numbers", clientId ?? "own"] as const,
};

/** A page of tickets (`GET /v1/tickets`), newest activity first. */
export function useTickets(filters: TicketFilters, cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: supportKeys.list(filters, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/v1/tickets", {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(filters.status ? { status: filters.status } : {}),
              ...(filters.category ? { category: filters.category } : {}),
              ...(filters.priority ? { priority: filters.priority } : {}),
              ...(filters.client ? { client_id: filters.client } : {}),
              ...(filters.assignee ? { assignee: filters.assignee } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** A ticket with its thread and files (`GET /v1/tickets/{ticket_id}`), asked again every TICKET_POLL_MS. */
export function useTicket(ticketId: string) {
  const api = useApi();
  return useQuery({
    queryKey: supportKeys.ticket(ticketId),
    queryFn: () => unwrap(api.GET("/v1/tickets/{ticket_id}", { params: { path: { ticket_id: ticketId } } })),
    refetchInterval: TICKET_POLL_MS,
  });
}

/** The queue's figures (`GET /v1/support/figures`, agents only). */
export function useFigures() {
  const api = useApi();
  return useQuery({
    queryKey: supportKeys.figures,
    queryFn: () => unwrap(api.GET("/v1/support/figures")),
    refetchInterval: 30_000,
  });
}

/** After a change of a ticket: its page takes the answer at once, and the lists and figures are read again. */
function useRefresh() {
  const queryClient = useQueryClient();
  return (ticketId: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: supportKeys.ticket(ticketId) }),
      queryClient.invalidateQueries({ queryKey: supportKeys.lists }),
      queryClient.invalidateQueries({ queryKey: supportKeys.figures }),
    ]);
}

export interface NewTicketForm {
  subject: string;
  category: TicketCategory;
  priority: Priority;
  numberId: string;
  description: string;
}

/** Open a ticket (`POST /v1/tickets`); partners and agents name the client (`clientId`), client users do not. */
export function useOpenTicket(clientId: string | undefined) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (form: NewTicketForm) =>
      unwrap(
        api.POST("/v1/tickets", {
          body: {
            subject: form.subject.trim(),
            category: form.category,
            priority: form.priority,
            description: form.description.trim(),
            ...(form.numberId ? { number_id: form.numberId } : {}),
            ...(clientId ? { client_id: clientId } : {}),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["support"] }),
  });
}

/** Answer on a ticket (`POST …/messages`); `internal`: an agent's note only agents see. */
export function useReply(ticketId: string) {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ body, internal }: { body: string; internal: boolean }) =>
      unwrap(
        api.POST("/v1/tickets/{ticket_id}/messages", {
          params: { path: { ticket_id: ticketId } },
          body: { body: body.trim(), internal },
        }),
      ),
    onSuccess: () => refresh(ticketId),
  });
}

/** Close, reopen or (agents) solve a ticket. */
export function useTicketAction(ticketId: string, action: "close" | "reopen" | "solve") {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () => {
      const params = { params: { path: { ticket_id: ticketId } } };
      switch (action) {
        case "close":
          return unwrap(api.POST("/v1/tickets/{ticket_id}/close", params));
        case "reopen":
          return unwrap(api.POST("/v1/tickets/{ticket_id}/reopen", params));
        case "solve":
          return unwrap(api.POST("/v1/tickets/{ticket_id}/solve", params));
      }
    },
    onSuccess: () => refresh(ticketId),
  });
}

/** An agent assigns the ticket (null: nobody) or sets its priority (`PATCH /v1/tickets/{ticket_id}`). */
export function useChangeTicket(ticketId: string) {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (change: { assignee?: string | null; priority?: Priority }) =>
      unwrap(api.PATCH("/v1/tickets/{ticket_id}", { params: { path: { ticket_id: ticketId } }, body: change })),
    onSuccess: () => refresh(ticketId),
  });
}

export interface UploadRequest {
  ticketId: string;
  filename: string;
  contentType: string;
  size: number;
}

/** The form a file of the ticket is uploaded with (`POST …/attachments`): the hub records the file first. */
export function requestUpload(api: ApiClient, { ticketId, filename, contentType, size }: UploadRequest) {
  return unwrap(
    api.POST("/v1/tickets/{ticket_id}/attachments", {
      params: { path: { ticket_id: ticketId } },
      body: { filename, content_type: contentType, size },
    }),
  );
}

/** The numbers a ticket may be about (`GET /v1/numbers`, the first 100; a client in the URL for others). */
export function useNumberChoices(clientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: supportKeys.numbers(clientId),
    queryFn: () =>
      unwrap(
        api.GET("/v1/numbers", { params: { query: { limit: 100, ...(clientId ? { client_id: clientId } : {}) } } }),
      ),
    staleTime: 60_000,
  });
}

/**
 * Who may use a client's Support (`x-hub-access` of the ticket routes): its users, support agents, and partners the
 * client granted `tickets:write`.
 */
export function mayUseSupport(me: Me, clientId: string | undefined): boolean {
  if (me.role === "client") return clientId === undefined;
  if (!clientId) return false;
  if (me.role === "support") return true;
  return (me.grants ?? []).some((grant) => grant.client_id === clientId && grant.scopes.includes("tickets:write"));
}
