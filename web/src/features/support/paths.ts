/** Where a client's Support lives: `/support` for its own users, `/clients/{id}/support` for partners and agents. */
export function supportBase(clientId: string | undefined): string {
  return clientId ? `/clients/${encodeURIComponent(clientId)}/support` : "/support";
}

/** The agents' queue of every client's tickets, and a ticket opened from it. */
export const QUEUE = "/queue";

export function ticketHref(base: string, ticketId: string): string {
  return `${base}/${encodeURIComponent(ticketId)}`;
}
