/**
 * The way back from Stripe Checkout: before leaving for it the portal notes the number's balance (session storage,
 * this tab only); back on Funds (`?number_id=…&top_up=success`) it asks again until the balance is another, since
 * Stripe's webhook credits the top-up a few seconds later.
 */

const KEY = "client-hub.top-up";

/** The top-up the tab left for: its number and the balance then. */
export interface PendingTopUp {
  numberId: string;
  balance: number;
}

export function rememberTopUp(storage: Pick<Storage, "setItem">, pending: PendingTopUp): void {
  storage.setItem(KEY, JSON.stringify(pending));
}

/** The top-up noted for the number, if this tab left for one. */
export function recallTopUp(storage: Pick<Storage, "getItem">, numberId: string): PendingTopUp | undefined {
  let noted: unknown;
  try {
    noted = JSON.parse(storage.getItem(KEY) ?? "null");
  } catch {
    return undefined;
  }
  if (typeof noted !== "object" || noted === null) return undefined;
  const { numberId: id, balance } = noted as Record<string, unknown>;
  return id === numberId && typeof balance === "number" ? { numberId, balance } : undefined;
}

export function forgetTopUp(storage: Pick<Storage, "removeItem">): void {
  storage.removeItem(KEY);
}

export type Return = "confirming" | "confirmed" | "unconfirmed" | "cancelled";

/**
 * Where a return from checkout stands: cancelled; confirmed once the number's balance differs from the one noted;
 * unconfirmed once the portal stopped waiting (with nothing noted to compare with, it waits as long); else still
 * confirming.
 */
export function returnState(
  outcome: "success" | "cancelled",
  pending: PendingTopUp | undefined,
  balance: number | undefined,
  stoppedWaiting: boolean,
): Return {
  if (outcome === "cancelled") return "cancelled";
  if (pending && balance !== undefined && balance !== pending.balance) return "confirmed";
  return stoppedWaiting ? "unconfirmed" : "confirming";
}
