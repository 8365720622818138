import { useQuery } from "@tanstack/react-query";

import { unwrap, useApi, type components } from "../../lib/api";

export type Me = components["schemas"]["Me"];

export const meKey = ["accounts", "me"] as const;

/** The signed-in caller (`GET /v1/me`): role, client or the partner's grants. */
export function useMe() {
  const api = useApi();
  return useQuery({
    queryKey: meKey,
    queryFn: () => unwrap(api.GET("/v1/me")),
    staleTime: 5 * 60_000,
  });
}

/** The clients a caller may act for, when it is not a client user itself (null: any client, for support). */
export function actableClients(me: Me): string[] | null {
  if (me.role === "support") return null;
  if (me.role === "partner") return (me.grants ?? []).map((grant) => grant.client_id);
  return me.client ? [me.client.client_id] : [];
}
