import { ApiError } from "../../lib/api";
import { formatMoney, parseMajor, toMajorText } from "./money";

/** The hub's bounds of one top-up and of an auto-renewal's amount (its `top_up_min`, `top_up_max`), minor units. */
export const TOP_UP_MIN = 10_00;
export const TOP_UP_MAX = 5_000_00;

/** A form's problems by field name: what is shown at each field. */
export type Problems<F extends string> = Partial<Record<F, string>>;

function bounds(currency: string): string {
  return `between ${formatMoney(TOP_UP_MIN, currency)} and ${formatMoney(TOP_UP_MAX, currency)}`;
}

function amountProblem(text: string, currency: string): string | undefined {
  const amount = parseMajor(text, currency);
  if (amount === undefined) return `Enter an amount in ${currency.toUpperCase()} such as 50 or 49.90.`;
  if (amount < TOP_UP_MIN || amount > TOP_UP_MAX) return `Enter an amount ${bounds(currency)}.`;
  return undefined;
}

/** Why a top-up's typed amount cannot be paid (its format, the bounds), or nothing. */
export function topUpProblems(amount: string, currency: string): Problems<"amount"> {
  const problem = amountProblem(amount, currency);
  return problem ? { amount: problem } : {};
}

/** The auto-renewal form: on or off, the threshold and the amount as typed (major units). */
export interface RenewalForm {
  enabled: boolean;
  threshold: string;
  amount: string;
}

export type RenewalField = "threshold" | "amount";

/** The form of a number's auto-renewal settings (minor units) as a person edits them; no amount yet is empty. */
export function renewalFormOf(
  settings: { enabled: boolean; threshold: number; amount: number },
  currency: string,
): RenewalForm {
  return {
    enabled: settings.enabled,
    threshold: toMajorText(settings.threshold, currency),
    amount: settings.amount > 0 ? toMajorText(settings.amount, currency) : "",
  };
}

/**
 * What stops the auto-renewal settings (as the API checks them, whether renewal is on or off): a threshold of zero or
 * more, an amount within the top-up bounds and more than the threshold.
 */
export function renewalProblems(form: RenewalForm, currency: string): Problems<RenewalField> {
  const problems: Problems<RenewalField> = {};
  const threshold = parseMajor(form.threshold, currency);
  if (threshold === undefined) problems.threshold = `Enter an amount in ${currency.toUpperCase()} such as 10 or 9.50.`;
  const amountProblemText = amountProblem(form.amount, currency);
  const amount = parseMajor(form.amount, currency);
  if (amountProblemText) problems.amount = amountProblemText;
  else if (threshold !== undefined && amount !== undefined && amount <= threshold) {
    problems.amount = `The amount renewed must be more than the threshold (${formatMoney(threshold, currency)}).`;
  }
  return problems;
}

/** The request of a form without problems (`PUT …/auto-renewal`), or undefined while it has some. */
export function renewalRequest(
  form: RenewalForm,
  currency: string,
): { enabled: boolean; threshold: number; amount: number } | undefined {
  const threshold = parseMajor(form.threshold, currency);
  const amount = parseMajor(form.amount, currency);
  if (threshold === undefined || amount === undefined || Object.keys(renewalProblems(form, currency)).length > 0) {
    return undefined;
  }
  return { enabled: form.enabled, threshold, amount };
}

/**
 * The API's refusals (422 `errors`) placed at the form's fields: `body.amount` at `amount`, `query.end` at `end`;
 * refusals of other fields are left to the problem shown above the form.
 */
export function serverProblems<F extends string>(error: unknown, fields: readonly F[]): Problems<F> {
  const problems: Problems<F> = {};
  if (!(error instanceof ApiError)) return problems;
  for (const { field, message } of error.errors) {
    const at = fields.find((known) => known === fieldName(field));
    if (at) problems[at] = problems[at] ? `${problems[at]} ${message}` : message;
  }
  return problems;
}

/** Whether every error of the API's refusal is placed at one of the shown fields (else it is shown as a whole:
 * an error no field shows must not leave the page silent). */
export function placedAtFields(error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError) || error.errors.length === 0) return false;
  return error.errors.every(({ field }) => fields.includes(fieldName(field)));
}

/** A problem's field as the form names it: `body.amount`, `query.end` → `amount`, `end`. */
function fieldName(field: string): string {
  return field.replace(/^(body|query|path)\./, "");
}
