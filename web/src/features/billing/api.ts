import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiError, unwrap, useApi, type components } from "../../lib/api";
import type { Period } from "./periods";

export type Billing = components["schemas"]["BillingView"];
export type FundsOverview = components["schemas"]["FundsOverview"];
export type Funds = components["schemas"]["FundsView"];
export type LedgerEntry = components["schemas"]["LedgerEntryView"];
export type Invoice = components["schemas"]["InvoiceView"];
export type Insights = components["schemas"]["InsightsView"];
export type InsightsPoint = components["schemas"]["InsightsPoint"];
export type AutoRenewalRequest = components["schemas"]["AutoRenewalRequest"];

/** How often Funds asks again while a payment is being confirmed (Stripe's webhook credits it). */
const CONFIRM_POLL_MS = 1_500;
/** A client's funds change with payments and each day's usage: kept this long before they are asked again. */
const FUNDS_STALE_MS = 30_000;
const PAGE_SIZE = 20;

/** Query keys: everything of billing starts with ["billing"]. */
export const billingKeys = {
  view: ["billing", "view"] as const,
  funds: ["billing", "funds"] as const,
  ledgers: (numberId: string) => ["billing", "ledger", numberId] as const,
  ledger: (numberId: string, cursor: string | undefined) =>
    [...billingKeys.ledgers(numberId), cursor ?? "first"] as const,
  invoices: (cursor: string | undefined) => ["billing", "invoices", cursor ?? "first"] as const,
  insights: (numberId: string, period: Period) =>
    ["billing", "insights", numberId, period.start, period.end, period.granularity] as const,
  numbers: (clientId: string | undefined) => ["billing", "numbers", clientId ?? "own"] as const,
};

/** The client's billing (`GET /v1/billing`): client users only (`enabled`). */
export function useBilling(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.view,
    queryFn: () => unwrap(api.GET("/v1/billing")),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/**
 * Open Stripe's billing portal: `POST /v1/billing/portal-session`, then this tab goes there. The mutation stays a
 * success while the browser leaves (the caller keeps its busy state).
 */
export function useOpenPortal() {
  const api = useApi();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/billing/portal-session")),
    onSuccess: ({ url }) => {
      window.location.assign(url);
    },
  });
}

/** A page of the client's invoices (`GET /v1/billing/invoices`), newest first. */
export function useInvoices(cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.invoices(cursor),
    queryFn: () =>
      unwrap(
        api.GET("/v1/billing/invoices", { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } }),
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * The client's prepaid funds (`GET /v1/billing/funds`), or null when the client has none (409 `funds-not-enabled`).
 * `confirming`: asked again every CONFIRM_POLL_MS while it answers true for the funds last read.
 */
export function useFunds({
  enabled = true,
  confirming,
}: { enabled?: boolean; confirming?: (funds: FundsOverview | null | undefined) => boolean } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.funds,
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/v1/billing/funds"));
      } catch (error) {
        if (error instanceof ApiError && error.status === 409 && error.slug === "funds-not-enabled") return null;
        throw error;
      }
    },
    enabled,
    staleTime: FUNDS_STALE_MS,
    refetchInterval: (query) => (confirming?.(query.state.data) ? CONFIRM_POLL_MS : false),
  });
}

/** A page of a number's ledger (`GET …/ledger`), newest first. */
export function useLedger(numberId: string, cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.ledger(numberId, cursor),
    queryFn: () =>
      unwrap(
        api.GET("/v1/billing/funds/{number_id}/ledger", {
          params: { path: { number_id: numberId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * Start a top-up (`POST …/top-ups`, a fresh Idempotency-Key per press): answers the Stripe Checkout to pay at, which
 * the caller opens.
 */
export function useTopUp(numberId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: ({ amount, currency, key }: { amount: number; currency: string; key: string }) =>
      unwrap(
        api.POST("/v1/billing/funds/{number_id}/top-ups", {
          params: { path: { number_id: numberId }, header: { "idempotency-key": key } },
          body: { amount, currency },
        }),
      ),
  });
}

/** Save a number's auto-renewal (`PUT …/auto-renewal`); the funds shown take the number's answer. */
export function useSaveRenewal(numberId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AutoRenewalRequest) =>
      unwrap(
        api.PUT("/v1/billing/funds/{number_id}/auto-renewal", { params: { path: { number_id: numberId } }, body }),
      ),
    onSuccess: (funds) => {
      queryClient.setQueryData<FundsOverview | null>(billingKeys.funds, (overview) =>
        overview
          ? {
              ...overview,
              numbers: overview.numbers.map((number) => (number.number_id === funds.number_id ? funds : number)),
            }
          : overview,
      );
    },
  });
}

/** Ask support for a number's funds back (`POST …/refund-request`). */
export function useRequestRefund(numberId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST("/v1/billing/funds/{number_id}/refund-request", {
          params: { path: { number_id: numberId } },
          body: { reason },
        }),
      ),
  });
}

/** A number's billable messages and approximate charges over a period (`GET /v1/insights`); `enabled` once valid. */
export function useInsights(numberId: string, period: Period, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.insights(numberId, period),
    queryFn: () =>
      unwrap(
        api.GET("/v1/insights", {
          params: {
            query: {
              number_id: numberId,
              start: period.start,
              end: period.end,
              granularity: period.granularity,
            },
          },
        }),
      ),
    enabled: enabled && numberId !== "",
    placeholderData: keepPreviousData,
  });
}

/** The numbers Insights offers to choose from (`GET /v1/numbers`, the first 100; a client in the URL for others). */
export function useNumberChoices(clientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.numbers(clientId),
    queryFn: () =>
      unwrap(
        api.GET("/v1/numbers", { params: { query: { limit: 100, ...(clientId ? { client_id: clientId } : {}) } } }),
      ),
    staleTime: 60_000,
  });
}
