import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { ApiError, unwrap, useApi, type components } from "../../lib/api";
import { numbersKeys } from "./api";

export type AddedNumber = components["schemas"]["AddedNumberView"];
export type NumberImport = components["schemas"]["ImportView"];
export type CodeMethod = components["schemas"]["CodeMethod"];
export type OnboardingStep = components["schemas"]["OnboardingStep"];
export type ImportStep = components["schemas"]["ImportStep"];

const importKey = (importId: string) => ["numbers", "import", importId] as const;

/** `POST /v1/numbers` with what Embedded Signup handed over; posting it again continues a number not set up yet. */
export function useAddNumber() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; waba_id: string; phone_number_id: string }) =>
      unwrap(api.POST("/v1/numbers", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: numbersKeys.all }),
  });
}

/**
 * The WhatsApp Business Accounts the client's numbers are on, in the order first seen: an import's target. Read from
 * the numbers rather than `GET /v1/wabas`, whose list follows the numbers service's events a moment later, so a
 * WABA that Embedded Signup just gave the client is offered at once.
 */
export function useClientWabas() {
  const api = useApi();
  return useQuery({
    queryKey: ["numbers", "wabas"] as const,
    queryFn: async () => {
      const wabas: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          api.GET("/v1/numbers", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }),
        );
        for (const number of page.items) if (!wabas.includes(number.waba_id)) wabas.push(number.waba_id);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return wabas;
    },
  });
}

function readImport(api: ReturnType<typeof useApi>, importId: string): Promise<NumberImport> {
  return unwrap(api.GET("/v1/numbers/imports/{import_id}", { params: { path: { import_id: importId } } }));
}

/** One import (`GET /v1/numbers/imports/{import_id}`). */
export function useImport(importId: string) {
  const api = useApi();
  return useQuery({ queryKey: importKey(importId), queryFn: () => readImport(api, importId) });
}

/**
 * The imports this browser remembers for the user (the API lists no imports), each read again: the ones still open,
 * and the ids to forget (finished, or unknown to the API).
 */
export function useImportsInProgress(user: string) {
  const api = useApi();
  const ids = useRememberedImports(user);
  return useQueries({
    queries: ids.map((importId) => ({ queryKey: importKey(importId), queryFn: () => readImport(api, importId) })),
    combine: (results) => ({
      open: results.flatMap((result) => (result.data && result.data.step !== "done" ? [result.data] : [])),
      stale: ids.filter((_, index) => {
        const result = results[index];
        if (result?.data) return result.data.step === "done";
        return result?.error instanceof ApiError && [403, 404].includes(result.error.status);
      }),
    }),
  });
}

export function useStartImport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { phone_number: string; waba_id: string; method: CodeMethod; display_name?: string }) =>
      unwrap(api.POST("/v1/numbers/imports", { body })),
    onSuccess: (started) => {
      queryClient.setQueryData(importKey(started.import_id), started);
    },
  });
}

export function useResendCode(importId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (method: CodeMethod) =>
      unwrap(
        api.POST("/v1/numbers/imports/{import_id}/code", {
          params: { path: { import_id: importId } },
          body: { method },
        }),
      ),
    onSuccess: (sent) => {
      queryClient.setQueryData(importKey(importId), sent);
    },
  });
}

export function useVerifyImport(importId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      unwrap(
        api.POST("/v1/numbers/imports/{import_id}/verification", {
          params: { path: { import_id: importId } },
          body: { code },
        }),
      ),
    onSuccess: async (verified) => {
      queryClient.setQueryData(importKey(importId), verified);
      if (verified.step === "done") await queryClient.invalidateQueries({ queryKey: numbersKeys.all });
    },
    // a wrong code counts an attempt, and a failed step is recorded on the import: read it again
    onError: () => queryClient.invalidateQueries({ queryKey: importKey(importId) }),
  });
}

// ---------------------------------------------------------------- imports this browser started

const STORAGE_PREFIX = "client-hub.imports.";
const changed = new EventTarget();
const parsed = new Map<string, string[]>();

/** The ids in the stored text: the same array for the same text (a stable list of queries). */
function idsOf(raw: string | null): string[] {
  const text = raw ?? "[]";
  let ids = parsed.get(text);
  if (!ids) {
    try {
      const stored: unknown = JSON.parse(text);
      ids = Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : [];
    } catch {
      ids = [];
    }
    parsed.set(text, ids);
  }
  return ids;
}

function storedIds(user: string): string[] {
  return idsOf(localStorage.getItem(STORAGE_PREFIX + user));
}

function writeIds(user: string, ids: string[]): void {
  localStorage.setItem(STORAGE_PREFIX + user, JSON.stringify(ids));
  changed.dispatchEvent(new Event("change"));
}

/** Remember an import the user started, so that the Numbers page offers to continue it. */
export function rememberImport(user: string, importId: string): void {
  const ids = storedIds(user);
  if (!ids.includes(importId)) writeIds(user, [...ids, importId]);
}

export function forgetImport(user: string, importId: string): void {
  const ids = storedIds(user);
  if (ids.includes(importId))
    writeIds(
      user,
      ids.filter((id) => id !== importId),
    );
}

function subscribe(onChange: () => void): () => void {
  changed.addEventListener("change", onChange);
  window.addEventListener("storage", onChange);
  return () => {
    changed.removeEventListener("change", onChange);
    window.removeEventListener("storage", onChange);
  };
}

function useRememberedImports(user: string): string[] {
  return useSyncExternalStore(subscribe, () => storedIds(user));
}
