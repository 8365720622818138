/** A client's Settings: `/settings` for its users, `/clients/{id}/settings` for support agents acting for it. */
export function settingsBase(clientId: string | undefined): string {
  return clientId ? `/clients/${encodeURIComponent(clientId)}/settings` : "/settings";
}
