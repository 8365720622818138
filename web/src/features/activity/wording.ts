/** How the Activity screen says an entry's values: areas, times and what changed. */

import type { paths } from "../../lib/api";

/** The part of the hub an entry comes from, as the contract names them. */
export type AreaName = NonNullable<NonNullable<paths["/v1/activity"]["get"]["parameters"]["query"]>["area"]>;

/** The areas, in the order the filter offers them. */
export const AREAS: readonly AreaName[] = ["numbers", "waba", "templates", "billing", "support", "accounts"];

const AREA_NAMES: Record<string, string> = {
  numbers: "Numbers",
  waba: "WhatsApp Business Account",
  templates: "Templates",
  billing: "Billing",
  support: "Support",
  accounts: "Partner and account",
};

export function areaName(area: string): string {
  return AREA_NAMES[area] ?? area;
}

export function isArea(value: string): value is AreaName {
  return (AREAS as readonly string[]).includes(value);
}

/** A field's value in a change: a dash for none (a value set the first time, or removed). */
export function valueWords(value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? "—" : value;
}

/** "display_name" → "display name": a field as a person reads it; a scope (`numbers:read`) stays as it is. */
export function fieldWords(field: string): string {
  return field.includes(":") ? field : field.replaceAll("_", " ");
}

/** A moment in the reader's locale: "Dec 2, 2026, 8:46:05 AM" (seconds: several things happen in one minute). */
export function when(value: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(value));
}

/** How many entries are shown, for the list's status line. */
export function shownWords(count: number, more: boolean): string {
  if (count === 0) return "No activity.";
  const entries = count === 1 ? "1 entry" : `${String(count)} entries`;
  return more
    ? `Showing the latest ${entries}; older ones follow with “Load more”.`
    : `Showing ${entries}, all there is.`;
}
