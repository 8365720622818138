import type { Me } from "../accounts";

/**
 * How a signed-in user's client pays, as `GET /v1/me` says: billing screens are a client user's own (partners and
 * support agents see none); a partner-paid client pays its partner; a direct client pays the hub, from prepaid funds
 * per number when `prepaid`.
 */
export type Arrangement =
  { kind: "none" } | { kind: "partner"; partnerId: string | null } | { kind: "direct"; prepaid: boolean };

export function arrangementOf(me: Me | undefined): Arrangement {
  const client = me?.role === "client" ? me.client : null;
  if (!client) return { kind: "none" };
  if (client.billing_model === "partner") return { kind: "partner", partnerId: client.partner_id ?? null };
  return { kind: "direct", prepaid: client.prepaid };
}
