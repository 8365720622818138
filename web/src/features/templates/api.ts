import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiError, unwrap, useApi, type components } from "../../lib/api";
import type { Me } from "../accounts";
import type { TemplateContent } from "./content";

export type Template = components["schemas"]["Template"];
export type TemplateReview = components["schemas"]["TemplateReview"];
export type SyncCounts = components["schemas"]["SyncCounts"];
export type TemplateStatus = components["schemas"]["TemplateStatus"];
export type TemplateCopy = components["schemas"]["TemplateCopy"];

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
  ones: (wabaId: string) => ["templates", "one", wabaId] as const,
  one: (wabaId: string, name: string, language: string) => ["templates", "one", wabaId, name, language] as const,
  languages: (wabaId: string, name: string) => ["templates", "one", wabaId, name] as const,
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

/** A refusal of a change (create, edit, copy…), with the seconds `Retry-After` gave (429), when the browser may read
 * it. */
export class TemplateRefused extends ApiError {
  readonly retryAfter: number | undefined;
  constructor(error: ApiError, retryAfter: number | undefined) {
    super(error);
    this.retryAfter = retryAfter;
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a change's answer; a 429 becomes a TemplateRefused with its `Retry-After`. */
async function changed<T>(answer: Promise<Answer<T>>): Promise<T> {
  try {
    return await unwrap(answer);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 429) throw error;
    const seconds = Number((await answer).response.headers.get("Retry-After"));
    throw new TemplateRefused(error, Number.isFinite(seconds) && seconds > 0 ? seconds : undefined);
  }
}

/** An answer without a body (204), or the ApiError of a refusal. */
async function done(request: Promise<Answer<unknown>>): Promise<void> {
  await unwrap(request.then((answer) => (answer.response.ok ? { ...answer, data: null } : answer)));
}

/** One template in one language (`GET …/templates/{name}/{language}`), to edit it or translate it. */
export function useTemplate(wabaId: string, name: string, language: string) {
  const api = useApi();
  return useQuery({
    queryKey: templatesKeys.one(wabaId, name, language),
    queryFn: () =>
      unwrap(
        api.GET("/v1/wabas/{waba_id}/templates/{name}/{language}", {
          params: { path: { waba_id: wabaId, name, language } },
        }),
      ),
  });
}

/** Every language of a name (`GET …/templates/{name}`): what deleting the name deletes, which languages it has. */
export function useTemplateLanguages(wabaId: string, name: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: templatesKeys.languages(wabaId, name),
    queryFn: () =>
      unwrap(api.GET("/v1/wabas/{waba_id}/templates/{name}", { params: { path: { waba_id: wabaId, name } } })),
    enabled,
  });
}

/** After a change: the lists, and every template read alone, are read again. */
function useRefreshTemplates(wabaId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: templatesKeys.lists(wabaId) }),
      queryClient.invalidateQueries({ queryKey: templatesKeys.ones(wabaId) }),
    ]);
}

/** What the template form saves: a new template, an edit of one, or a name's new language. */
export type SaveTarget =
  | { kind: "create" }
  | { kind: "edit"; name: string; language: string; category: string; parameterFormat: string }
  | { kind: "language"; name: string };

/**
 * Save the template form (`submit`: to Meta's review; else a draft):
 * - create: `POST …/templates`;
 * - edit: `PATCH …/{name}/{language}` with the components, and the category when it changed; a submitted template
 *   goes back to Meta's review, a draft stays one unless `submit` (then `POST …/submit` after it);
 * - language: `POST …/{name}/languages`, in the name's category.
 */
export function useSaveTemplate(wabaId: string, target: SaveTarget) {
  const api = useApi();
  const refresh = useRefreshTemplates(wabaId);
  return useMutation({
    mutationFn: async ({ content, submit }: { content: TemplateContent; submit: boolean }): Promise<Template> => {
      const waba_id = wabaId;
      switch (target.kind) {
        case "create":
          return changed(
            api.POST("/v1/wabas/{waba_id}/templates", { params: { path: { waba_id } }, body: { ...content, submit } }),
          );
        case "edit": {
          const { name, language } = target;
          const edited = await changed(
            api.PATCH("/v1/wabas/{waba_id}/templates/{name}/{language}", {
              params: { path: { waba_id, name, language } },
              body: {
                components: content.components,
                // the format follows the variables: said only when it changes (Meta keeps a submitted template's)
                ...(content.parameter_format !== target.parameterFormat
                  ? { parameter_format: content.parameter_format }
                  : {}),
                ...(content.category !== target.category ? { category: content.category } : {}),
              },
            }),
          );
          if (!submit || edited.status !== "DRAFT") return edited;
          return changed(
            api.POST("/v1/wabas/{waba_id}/templates/{name}/{language}/submit", {
              params: { path: { waba_id, name, language } },
            }),
          );
        }
        case "language":
          return changed(
            api.POST("/v1/wabas/{waba_id}/templates/{name}/languages", {
              params: { path: { waba_id, name: target.name } },
              body: {
                language: content.language,
                components: content.components,
                parameter_format: content.parameter_format,
                submit,
              },
            }),
          );
      }
    },
    onSettled: refresh,
  });
}

/** Replicate a template (`POST …/{name}/{language}/copy`): another name, language or WABA of the client. */
export function useCopyTemplate(wabaId: string, name: string, language: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (copy: TemplateCopy) =>
      changed(
        api.POST("/v1/wabas/{waba_id}/templates/{name}/{language}/copy", {
          params: { path: { waba_id: wabaId, name, language } },
          body: copy,
        }),
      ),
    onSuccess: (copy) => queryClient.invalidateQueries({ queryKey: ["templates", "list", copy.waba_id] }),
  });
}

/** Submit a draft to Meta's review (`POST …/{name}/{language}/submit`). */
export function useSubmitDraft(wabaId: string, name: string, language: string) {
  const api = useApi();
  const refresh = useRefreshTemplates(wabaId);
  return useMutation({
    mutationFn: () =>
      changed(
        api.POST("/v1/wabas/{waba_id}/templates/{name}/{language}/submit", {
          params: { path: { waba_id: wabaId, name, language } },
        }),
      ),
    onSuccess: refresh,
  });
}

/** Delete one language of a name (`DELETE …/{name}/{language}`), or, without `language`, every language of it. */
export function useDeleteTemplate(wabaId: string, name: string) {
  const api = useApi();
  const refresh = useRefreshTemplates(wabaId);
  return useMutation({
    mutationFn: ({ language }: { language?: string | undefined }) =>
      done(
        language
          ? api.DELETE("/v1/wabas/{waba_id}/templates/{name}/{language}", {
              params: { path: { waba_id: wabaId, name, language } },
            })
          : api.DELETE("/v1/wabas/{waba_id}/templates/{name}", { params: { path: { waba_id: wabaId, name } } }),
      ),
    onSuccess: refresh,
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
