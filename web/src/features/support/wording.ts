/** How the Support screens say a ticket's values: statuses, categories, priorities, people, times and requests. */
import type { paths } from "../../lib/api";

type NewTicket = NonNullable<paths["/v1/tickets"]["post"]["requestBody"]>["content"]["application/json"];
export type TicketCategory = NewTicket["category"];
export type Priority = NonNullable<NewTicket["priority"]>;
export type TicketStatus = NonNullable<NonNullable<paths["/v1/tickets"]["get"]["parameters"]["query"]>["status"]>;

/** The ticket categories, in the order the forms offer them. */
export const CATEGORIES: readonly TicketCategory[] = [
  "numbers",
  "templates",
  "billing",
  "display_name",
  "technical",
  "other",
];
export const PRIORITIES: readonly Priority[] = ["low", "normal", "high", "urgent"];
/** The statuses, in a ticket's usual order. */
export const STATUSES: readonly TicketStatus[] = ["open", "pending_support", "pending_customer", "solved", "closed"];

/** Who reads: the customer's side (client users, partners) or a support agent. */
export type Viewer = "customer" | "agent";

export type Tone = "info" | "warning" | "good" | "neutral" | "bad";

interface Wording {
  label: string;
  tone: Tone;
  explanation: string;
}

const STATUS_WORDS: Record<string, Record<Viewer, Wording>> = {
  open: {
    customer: { label: "Open", tone: "info", explanation: "Support has not answered yet." },
    agent: { label: "Open", tone: "warning", explanation: "New: support has not answered yet." },
  },
  pending_support: {
    customer: { label: "Awaiting support", tone: "info", explanation: "You answered: support answers next." },
    agent: { label: "Awaiting support", tone: "warning", explanation: "The customer answered: support answers next." },
  },
  pending_customer: {
    customer: { label: "Awaiting your reply", tone: "warning", explanation: "Support answered and waits for you." },
    agent: { label: "Awaiting customer", tone: "info", explanation: "Support answered: the customer answers next." },
  },
  solved: {
    customer: {
      label: "Solved",
      tone: "good",
      explanation: "Support solved it. Answer to reopen it, or close it.",
    },
    agent: { label: "Solved", tone: "good", explanation: "Solved: the customer may answer (it reopens) or close it." },
  },
  closed: {
    customer: { label: "Closed", tone: "neutral", explanation: "Closed: it takes no more messages." },
    agent: { label: "Closed", tone: "neutral", explanation: "Closed: it takes no more messages." },
  },
};

/** A ticket's status in words, as the reader sees it: "pending_customer" is "Awaiting your reply" to a customer. */
export function ticketStatus(status: string, viewer: Viewer): Wording {
  return STATUS_WORDS[status]?.[viewer] ?? { label: words(status), tone: "neutral", explanation: `Status ${status}.` };
}

const CATEGORY_NAMES: Record<string, string> = {
  numbers: "Numbers",
  templates: "Templates",
  billing: "Billing",
  display_name: "Display name",
  technical: "Technical",
  other: "Other",
};

export function categoryName(category: string): string {
  return CATEGORY_NAMES[category] ?? words(category);
}

const PRIORITY_WORDS: Record<string, { label: string; tone: Tone }> = {
  low: { label: "Low", tone: "neutral" },
  normal: { label: "Normal", tone: "neutral" },
  high: { label: "High", tone: "warning" },
  urgent: { label: "Urgent", tone: "bad" },
};

export function priorityName(priority: string): { label: string; tone: Tone } {
  return PRIORITY_WORDS[priority] ?? { label: words(priority), tone: "neutral" };
}

const ORIGINS: Record<string, string> = {
  portal: "Opened in the portal",
  commerce_support_request: "Commerce settings request",
  funds_refund_request: "Funds refund request",
};

/** Where a ticket came from: a person, or another part of the hub's request (the WABA Manager's, Funds'). */
export function originName(origin: string): string {
  return ORIGINS[origin] ?? words(origin);
}

/** "display_name" → "Display name". */
export function words(value: string): string {
  const spaced = value.replaceAll("_", " ").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A duration in words: "under a minute", "12 min", "3 h 20 min", "2 d 4 h". */
export function duration(seconds: number): string {
  if (seconds < 60) return "under a minute";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${String(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${String(hours)} h ${String(minutes % 60)} min` : `${String(hours)} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${String(days)} d ${String(hours % 24)} h` : `${String(days)} d`;
}

/** How long support took to answer first, or that it has not yet. */
export function firstResponse(ticket: { first_response_seconds: number | null }): string {
  return ticket.first_response_seconds === null ? "Not yet" : duration(ticket.first_response_seconds);
}

/** A moment in the reader's locale: "Dec 2, 2026, 8:46 AM"; a dash for none. */
export function when(value: string | null | undefined, locale?: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

interface Person {
  role: string;
  email?: string | null;
  partner_id?: string | null;
}

/** Whether a message or file came from support's side (an agent), not the customer's. */
export function fromSupport(author: Person): boolean {
  return author.role === "support";
}

/**
 * Who wrote a message, as the reader knows them: agents by their address; to a customer, support is "Support" and
 * the reader's own messages are "You".
 */
export function authorName(author: Person, viewer: Viewer, myEmail: string | null | undefined): string {
  const mine = Boolean(myEmail) && author.email === myEmail;
  if (author.role === "support") {
    if (mine) return "You (support)";
    return viewer === "agent" && author.email ? `Support · ${author.email}` : "Support";
  }
  if (mine) return "You";
  if (author.role === "partner") {
    const partner = author.partner_id ? `Partner ${author.partner_id}` : "Partner";
    return author.email ? `${partner} · ${author.email}` : partner;
  }
  return author.email ?? "The client";
}

/** Whether the ticket may be reopened now: solved or closed, and its `reopen_until` still ahead. */
export function mayReopen(ticket: { status: string; reopen_until: string | null }, now: Date): boolean {
  if (ticket.status !== "solved" && ticket.status !== "closed") return false;
  return ticket.reopen_until !== null && new Date(ticket.reopen_until).getTime() > now.getTime();
}

/** An amount in minor units and its currency: 1785, "eur" → "€17.85". */
export function money(amount: number, currency: string, locale = "en-US"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function settingsWords(value: unknown): string {
  if (!isRecord(value)) return "Not known (Meta did not answer)";
  const catalog = value.is_catalog_visible === true ? "Catalog shown" : "Catalog hidden";
  const cart = value.is_cart_enabled === true ? "cart on" : "cart off";
  return `${catalog}, ${cart}`;
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** One line of a request's context: its name and value in words. */
export type Fact = readonly [name: string, value: string];

/**
 * What another part of the hub attached to a ticket it opened, readably: the commerce settings a client wants of an
 * OBO number (now and wanted, its note), a refund of a number's funds (the balance when asked, the reason); any other
 * context field by field. The acting user is left out (the ticket names its requester).
 */
export function contextFacts(origin: string, context: Record<string, unknown>): Fact[] {
  const facts: Fact[] = [];
  const known = new Set(["actor", "client_id"]);
  const add = (name: string, key: string, value = text(context[key])) => {
    known.add(key);
    if (key in context) facts.push([name, value]);
  };
  if (origin === "commerce_support_request") {
    add("Request", "request_id");
    add("Number", "number_id");
    add("WhatsApp Business Account", "waba_id");
    add("Settings now", "current", settingsWords(context.current));
    add("Settings wanted", "wanted", settingsWords(context.wanted));
    add("Note", "note");
  } else if (origin === "funds_refund_request") {
    add("Request", "request_id");
    add("Number", "number_id");
    const balance = context.balance;
    const currency = context.currency;
    known.add("currency");
    add(
      "Balance when asked",
      "balance",
      typeof balance === "number" && typeof currency === "string" ? money(balance, currency) : text(balance),
    );
    add("Reason", "reason");
  }
  for (const [key, value] of Object.entries(context)) {
    if (!known.has(key)) facts.push([words(key), text(value)]);
  }
  return facts;
}
