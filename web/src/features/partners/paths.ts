/** A client's Partner settings: `/settings/partner` for its users, `/clients/{id}/settings/partner` for agents. */
export function partnerSettingsHref(clientId: string | undefined): string {
  return clientId ? `/clients/${encodeURIComponent(clientId)}/settings/partner` : "/settings/partner";
}

/** The partner users' own area: its clients and settings, and its inbox of change requests. */
export const PARTNER_HOME = "/partner";
export const PARTNER_REQUESTS = "/partner/requests";

/** Where a partner acts for one of its clients. */
export function clientHref(clientId: string): string {
  return `/clients/${encodeURIComponent(clientId)}`;
}

/** The support agents' read-only list of every client's partner change requests. */
export const PARTNER_CHANGES = "/partner-changes";
