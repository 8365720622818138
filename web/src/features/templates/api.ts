import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiError, unwrap, useApi, type components } from "../../lib/api";
import type { Me } from "../accounts";
import type { TemplateContent } from "./content";

export type Template = components["schemas"]["Template"];
export type TemplateReview = components["schemas"]["TemplateReview"];
export type SyncCounts = components["schemas"]["SyncCounts"];
export type TemplateStatus = components["schemas"]["TemplateStatus"];

const PAGE_SIZE = 25;

export interface TemplateFilters {
  status: TemplateStatus | "";
  category: string;
  language: string;
  name: string;
}

/** Query keys: everything about templates starts with ["templates"]. */
export const templatesKeys = {
  lists: (wabaId: string) => ["templates", "list", wabaId] as const,
  list: (wabaId: string, filters: TemplateFilters) => ["templates", "list", wabaId, filters] as const,
  preview: (wabaId: string, content: TemplateContent) => ["templates", "preview", wabaId, content] as const,
  wabas: (clientId: string | undefined) => ["templates", "wabas", clientId ?? "own"] as const,
};

/** A WABA's templates from the hub's mirror (`GET /v1/wabas/{waba_id}/templates`), page after page ("Load more"). */
export function useTemplates(wabaId: string, filters: TemplateFilters) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: templatesKeys.list(wabaId, filters),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/wabas/{waba_id}/templates", {
          params: {
            path: { waba_id: wabaId },
            query: {
              limit: PAGE_SIZE,
              ...(filters.status ? { status: filters.status } : {}),
              ...(filters.category ? { category: filters.category } : {}),
              ...(filters.language ? { language: filters.language } : {}),
              ...(filters.name ? { name: filters.name } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Sync with Meta now (`POST …/templates/sync`): answers the counts, then the list is read again. */
export function useSyncTemplates(wabaId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/wabas/{waba_id}/templates/sync", { params: { path: { waba_id: wabaId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templatesKeys.lists(wabaId) }),
  });
}

/** The template as its customer would see it, with Meta's rules it breaks and warnings (`POST …/preview`). */
export function usePreview(wabaId: string, content: TemplateContent) {
  const api = useApi();
  return useQuery({
    queryKey: templatesKeys.preview(wabaId, content),
    queryFn: ({ signal }) =>
      unwrap(
        api.POST("/v1/wabas/{waba_id}/templates/preview", {
          params: { path: { waba_id: wabaId } },
          body: content,
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

/** A refusal of the create route, with the seconds `Retry-After` gave (429), when the browser may read it. */
export class CreateRefused extends ApiError {
  readonly retryAfter: number | undefined;
  constructor(error: ApiError, retryAfter: number | undefined) {
    super(error);
    this.retryAfter = retryAfter;
  }
}

/** Create a template (`POST …/templates`): `submit` sends it to Meta's review, else it is kept as a DRAFT. */
export function useCreateTemplate(wabaId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ content, submit }: { content: TemplateContent; submit: boolean }) => {
      const answer = api.POST("/v1/wabas/{waba_id}/templates", {
        params: { path: { waba_id: wabaId } },
        body: { ...content, submit },
      });
      try {
        return await unwrap(answer);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 429) throw error;
        const seconds = Number((await answer).response.headers.get("Retry-After"));
        throw new CreateRefused(error, Number.isFinite(seconds) && seconds > 0 ? seconds : undefined);
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templatesKeys.lists(wabaId) }),
  });
}

/** The WABAs a client's numbers are on (`GET /v1/numbers`), for the Templates entry of the menu. */
export function useClientWabas(clientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: templatesKeys.wabas(clientId),
    queryFn: async () => {
      const wabas = new Map<string, string[]>();
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          api.GET("/v1/numbers", {
            params: {
              query: { limit: 100, ...(clientId ? { client_id: clientId } : {}), ...(cursor ? { cursor } : {}) },
            },
          }),
        );
        for (const number of page.items) {
          wabas.set(number.waba_id, [...(wabas.get(number.waba_id) ?? []), number.display_phone_number]);
        }
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return [...wabas.entries()].map(([wabaId, phones]) => ({ wabaId, phones }));
    },
  });
}

/** Who may create templates for a client (`x-hub-access` of `POST …/templates`): its users, and partners it granted
 * `templates:write`; support agents and other partners read them. */
export function mayWriteTemplates(me: Me, clientId: string | undefined): boolean {
  if (me.role === "client") return true;
  if (me.role === "partner" && clientId) {
    return (me.grants ?? []).some((grant) => grant.client_id === clientId && grant.scopes.includes("templates:write"));
  }
  return false;
}
