/** Meta's limit on editing an APPROVED template: one edit in any 24 hours, ten in any 30 days. */
export const EDITS_PER_DAY = 1;
export const EDITS_PER_30_DAYS = 10;

const DAY_MS = 24 * 60 * 60 * 1000;
const WINDOWS = [
  { limit: EDITS_PER_DAY, ms: DAY_MS },
  { limit: EDITS_PER_30_DAYS, ms: 30 * DAY_MS },
] as const;

export interface EditAllowance {
  /** Edits within the last 24 hours. */
  lastDay: number;
  /** Edits within the last 30 days. */
  last30Days: number;
  /** When Meta takes the next edit, if it would refuse one now; undefined: an edit is possible now. */
  nextEditAt: Date | undefined;
}

/**
 * What is left of the limit at `now`, from the template's `edits` (when it was edited while APPROVED). A window with
 * as many edits as its limit opens again when the oldest edit that must drop out of it does.
 */
export function editAllowance(edits: readonly string[], now: Date): EditAllowance {
  const at = now.getTime();
  const times = edits
    .map((edit) => new Date(edit).getTime())
    .filter((time) => Number.isFinite(time))
    .sort((a, b) => a - b);
  let next = at;
  const counts = WINDOWS.map(({ limit, ms }) => {
    const inside = times.filter((time) => time > at - ms);
    const over = inside.length - limit;
    const opensAt = over >= 0 ? inside[over] : undefined;
    if (opensAt !== undefined) next = Math.max(next, opensAt + ms);
    return inside.length;
  });
  return { lastDay: counts[0] ?? 0, last30Days: counts[1] ?? 0, nextEditAt: next > at ? new Date(next) : undefined };
}
