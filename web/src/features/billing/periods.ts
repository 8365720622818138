/**
 * The periods Insights shows: days as ISO dates (YYYY-MM-DD, UTC, as the API counts them), the presets, and the
 * limits the API sets (Meta's one-year look-back, at most 93 points a day).
 */

export type Granularity = "DAY" | "MONTH";
export type Preset = "this-month" | "last-30-days" | "last-3-months" | "custom";

export interface Period {
  start: string;
  end: string;
  granularity: Granularity;
}

export const PRESETS: readonly (readonly [Preset, string])[] = [
  ["this-month", "This month"],
  ["last-30-days", "Last 30 days"],
  ["last-3-months", "Last 3 months, by month"],
  ["custom", "Custom period"],
];

/** How far back Meta's pricing analytics go (the API's `analytics_lookback_days`). */
const LOOKBACK_DAYS = 365;
/** The longest daily series the API draws. */
const MAX_DAY_POINTS = 93;

const DAY_MS = 86_400_000;

export function isPreset(value: string | null): value is Preset {
  return PRESETS.some(([preset]) => preset === value);
}

export function isGranularity(value: string | null): value is Granularity {
  return value === "DAY" || value === "MONTH";
}

/** Today in UTC (the API's today). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function toDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** A valid ISO day (2026-02-30 is none). */
function isDay(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(toDate(value).getTime()) && todayUtc(toDate(value)) === value
  );
}

function addDays(day: string, days: number): string {
  return todayUtc(new Date(toDate(day).getTime() + days * DAY_MS));
}

/** Days from `start` to `end`, both counted (2026-11-01 to 2026-11-30: 30). */
export function daysBetween(start: string, end: string): number {
  return Math.round((toDate(end).getTime() - toDate(start).getTime()) / DAY_MS) + 1;
}

/** The first day of the month `months` before the month of `day`. */
export function monthStart(day: string, monthsBack = 0): string {
  const date = toDate(day);
  return todayUtc(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - monthsBack, 1)));
}

/** A preset's period up to today, with the granularity it is shown in. */
export function presetPeriod(preset: Exclude<Preset, "custom">, today: string): Period {
  switch (preset) {
    case "this-month":
      return { start: monthStart(today), end: today, granularity: "DAY" };
    case "last-30-days":
      return { start: addDays(today, -29), end: today, granularity: "DAY" };
    case "last-3-months":
      return { start: monthStart(today, 2), end: today, granularity: "MONTH" };
  }
}

export type PeriodField = "start" | "end" | "granularity";

/** What the API would refuse of a period, at its fields (the same rules, so a person learns it before asking). */
export function periodProblems(period: Period, today: string): Partial<Record<PeriodField, string>> {
  const problems: Partial<Record<PeriodField, string>> = {};
  if (!isDay(period.start)) problems.start = "Enter the first day as a date.";
  if (!isDay(period.end)) problems.end = "Enter the last day as a date.";
  if (problems.start || problems.end) return problems;
  const earliest = addDays(today, -LOOKBACK_DAYS);
  if (period.start < earliest) {
    problems.start = `Meta keeps pricing analytics for ${LOOKBACK_DAYS} days: start on ${earliest} or later.`;
  }
  if (period.end < period.start) problems.end = "The last day is before the first.";
  else if (period.end > today) problems.end = `The last day is in the future: the latest is today, ${today}.`;
  if (
    period.granularity === "DAY" &&
    period.end >= period.start &&
    daysBetween(period.start, period.end) > MAX_DAY_POINTS
  ) {
    problems.granularity = `A daily series covers at most ${MAX_DAY_POINTS} days: show it by month.`;
  }
  return problems;
}

/** A day in words (UTC): "Nov 3" for a day of a series, "November 2026" for a month. */
export function dayLabel(day: string, granularity: Granularity, locale?: string): string {
  const options: Intl.DateTimeFormatOptions =
    granularity === "DAY" ? { month: "short", day: "numeric" } : { month: "long", year: "numeric" };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(toDate(day));
}

/** A day in full words (UTC): "November 3, 2026". */
export function longDay(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(toDate(day));
}

/** A period of a series in words: a day, a whole month, or the part of a month from its first to its last day. */
export function periodLabel(start: string, end: string, granularity: Granularity, locale?: string): string {
  if (granularity === "DAY" || start === end) return longDay(start, locale);
  const whole = start === monthStart(start) && addDays(end, 1) === monthStart(end, -1);
  return whole ? dayLabel(start, "MONTH", locale) : `${longDay(start, locale)} – ${longDay(end, locale)}`;
}
