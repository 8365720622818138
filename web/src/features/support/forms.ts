import { ApiError } from "../../lib/api";
import type { NewTicketForm } from "./api";

/** A form's problems by field name: what is shown at each field. */
export type Problems<F extends string> = Partial<Record<F, string>>;

export type TicketField = "subject" | "category" | "priority" | "numberId" | "description";

export const SUBJECT_MAX = 150;
export const TEXT_MAX = 10_000;

/** The new ticket form as typed: the category is "" until one is chosen. */
export type TicketDraft = Omit<NewTicketForm, "category"> & { category: NewTicketForm["category"] | "" };

/** What stops a new ticket before the API is asked: a subject, a category and a description, within their limits. */
export function ticketProblems(draft: TicketDraft): Problems<TicketField> {
  const problems: Problems<TicketField> = {};
  const subject = draft.subject.trim();
  if (!subject) problems.subject = "Write a subject: what is it about, in one line.";
  else if (subject.length > SUBJECT_MAX) problems.subject = `At most ${String(SUBJECT_MAX)} characters.`;
  if (!draft.category) problems.category = "Choose a category.";
  const description = draft.description.trim();
  if (!description) problems.description = "Describe what happened and what you expected.";
  else if (description.length > TEXT_MAX) problems.description = `At most ${String(TEXT_MAX)} characters.`;
  return problems;
}

/** What stops a message: some text, within the limit. */
export function messageProblem(body: string): string | undefined {
  const text = body.trim();
  if (!text) return "Write a message.";
  if (text.length > TEXT_MAX) return `At most ${String(TEXT_MAX)} characters.`;
  return undefined;
}

const API_FIELDS: Record<string, TicketField> = {
  subject: "subject",
  category: "category",
  priority: "priority",
  number_id: "numberId",
  description: "description",
};

/**
 * The API's refusals (422 `errors`) placed at the form's fields: `body.number_id` at the number; refusals of other
 * fields are left to the problem shown above the form's buttons.
 */
export function serverProblems(error: unknown): Problems<TicketField> {
  const problems: Problems<TicketField> = {};
  if (!(error instanceof ApiError)) return problems;
  for (const { field, message } of error.errors) {
    const at = API_FIELDS[field.replace(/^body\./, "")];
    if (at) problems[at] = problems[at] ? `${problems[at]} ${message}` : message;
  }
  return problems;
}
