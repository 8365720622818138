/** Where a WABA's Templates live: `/wabas/{id}/templates` for a client user, under `/clients/{id}` for the others. */
export function templatesBase(clientId: string | undefined, wabaId: string): string {
  const client = clientId ? `/clients/${encodeURIComponent(clientId)}` : "";
  return `${client}/wabas/${encodeURIComponent(wabaId)}/templates`;
}
