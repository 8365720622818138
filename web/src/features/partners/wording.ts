/**
 * How the partner screens say things: scopes, what a save changed, a change request's status, and what stops a
 * request before the API is asked.
 */

export type Tone = "info" | "warning" | "good" | "neutral" | "bad";

/** Who reads a change request: its client (or a support agent on the client's page) or the partner it is sent to. */
export type Reader = "client" | "partner";

const SCOPE_NAMES: Record<string, string> = {
  "numbers:read": "See numbers",
  "templates:read": "See templates",
  "templates:write": "Manage templates",
  "profile:write": "Edit business profiles",
  "display_name:write": "Change display names",
  "insights:read": "See insights",
  "waba:read": "See WhatsApp Business Accounts",
  "commerce:write": "Change commerce settings",
  "tickets:write": "Use Support",
};

/** A scope in words, its code beside: "See numbers (numbers:read)"; an unknown one as its code. */
export function scopeName(scope: string): string {
  const name = SCOPE_NAMES[scope];
  return name ? `${name} (${scope})` : scope;
}

export interface ScopeDiff {
  granted: string[];
  revoked: string[];
}

/** What goes from `before` to `after`: the scopes granted and those revoked, each in `order` (the choices'). */
export function scopeDiff(
  before: readonly string[],
  after: readonly string[],
  order: readonly string[] = [],
): ScopeDiff {
  const rank = (scope: string) => {
    const at = order.indexOf(scope);
    return at === -1 ? order.length : at;
  };
  const sorted = (scopes: string[]) => scopes.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return {
    granted: sorted(after.filter((scope) => !before.includes(scope))),
    revoked: sorted(before.filter((scope) => !after.includes(scope))),
  };
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

/** The edits not saved yet, in a sentence (undefined: none). */
export function pendingWords(diff: ScopeDiff): string | undefined {
  const parts = [
    diff.granted.length > 0 ? `grant ${listWords(diff.granted)}` : "",
    diff.revoked.length > 0 ? `revoke ${listWords(diff.revoked)}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? `Not saved yet: ${parts.join("; ")}.` : undefined;
}

/**
 * What a save did, for its status line: "Saved: Bluewave Software no longer has numbers:read. It is granted
 * templates:read and insights:read."
 */
export function savedMessage(partner: string, before: readonly string[], after: readonly string[]): string {
  const { granted, revoked } = scopeDiff(before, after, after);
  const changes = [
    granted.length > 0 ? `${partner} now has ${listWords(granted)}.` : "",
    revoked.length > 0 ? `${partner} no longer has ${listWords(revoked)}.` : "",
  ].filter(Boolean);
  const now = after.length > 0 ? `It is granted ${listWords(after)}.` : `${partner} is granted nothing now.`;
  return ["Saved:", ...changes, now].join(" ");
}

interface Wording {
  label: string;
  tone: Tone;
  explanation: string;
}

/** A change request's status in words: the label is the status itself ("Pending", "Completed"), the rest explains. */
export function changeStatus(
  status: string,
  reader: Reader,
  request: { target_partner_name: string; client_name: string },
): Wording {
  const partner = request.target_partner_name;
  const client = reader === "partner" ? request.client_name : "the client";
  switch (status) {
    case "pending":
      return {
        label: "Pending",
        tone: "warning",
        explanation: reader === "partner" ? "Waiting for your answer." : `Waiting for ${partner} to accept or decline.`,
      };
    case "accepted":
      return {
        label: "Accepted",
        tone: "info",
        explanation: `${partner} accepted: ${client} moves with every number in a moment.`,
      };
    case "declined":
      return { label: "Declined", tone: "bad", explanation: `${partner} declined the request.` };
    case "cancelled":
      return {
        label: "Cancelled",
        tone: "neutral",
        explanation: `Withdrawn by ${client} before ${reader === "partner" ? "you" : partner} answered.`,
      };
    case "completed":
      return {
        label: "Completed",
        tone: "good",
        explanation: `${client.charAt(0).toUpperCase()}${client.slice(1)} moved with every number to ${partner}.`,
      };
    default:
      return { label: status, tone: "neutral", explanation: `Status ${status}.` };
  }
}

/**
 * Who decided a request, in a word: "auto-approval" when the partner's auto-approval accepted it, else the deciding
 * user's e-mail (or ID); undefined while nobody has.
 */
export function decidedBy(request: {
  auto_approved: boolean;
  decided_by?: { email?: string | null; user_id: string } | null;
}): string | undefined {
  if (request.auto_approved) return "auto-approval";
  return request.decided_by ? (request.decided_by.email ?? request.decided_by.user_id) : undefined;
}

/** A request the partner has yet to answer, or one accepted that has not completed: the page asks again meanwhile. */
export function isOpen(request: { status: string }): boolean {
  return request.status === "pending" || request.status === "accepted";
}

export function hasOpen(requests: readonly { status: string }[] | undefined): boolean {
  return (requests ?? []).some(isOpen);
}

/**
 * The completed move the partner shown does not know of yet (undefined: none): the newest completed request (the list
 * is newest first) moved the client to its target, so a partner other than that target was read before it completed.
 */
export function unseenMove<R extends { status: string; target_partner_id: string }>(
  partnerId: string | null | undefined,
  requests: readonly R[] | undefined,
): R | undefined {
  const latest = (requests ?? []).find((request) => request.status === "completed");
  return latest !== undefined && latest.target_partner_id !== (partnerId ?? null) ? latest : undefined;
}

export const PARTNER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const REASON_MAX = 1000;
export const NOTE_MAX = 1000;

export interface RequestDraft {
  targetPartnerId: string;
  reason: string;
}

export type RequestField = keyof RequestDraft;

/** What stops a partner change request before the API is asked: a partner ID as the hub writes them, a reason. */
export function requestProblems(draft: RequestDraft): Partial<Record<RequestField, string>> {
  const problems: Partial<Record<RequestField, string>> = {};
  const target = draft.targetPartnerId.trim();
  if (!target) problems.targetPartnerId = "Enter the ID of the partner you want to work with.";
  else if (!PARTNER_ID.test(target))
    problems.targetPartnerId = "A partner ID is up to 64 letters, digits, - and _, e.g. northwind.";
  const reason = draft.reason.trim();
  if (!reason) problems.reason = "Say why you want to change partner.";
  else if (reason.length > REASON_MAX) problems.reason = `At most ${String(REASON_MAX)} characters.`;
  return problems;
}

/** A moment in the reader's locale: "Dec 2, 2026, 8:46 AM"; a dash for none. */
export function when(value: string | null | undefined, locale?: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}
