import { CATEGORIES, STATUSES } from "./wording";

interface Counted {
  status: string;
  category: string;
  tickets: number;
}

/** The queue's tickets not closed, one row per status (open first) and a count per category, with each row's total. */
export function countsTable(counts: readonly Counted[]): { status: string; counts: number[]; total: number }[] {
  return STATUSES.filter((status) => status !== "closed").map((status) => {
    const row = CATEGORIES.map((category) =>
      counts
        .filter((count) => count.status === status && count.category === category)
        .reduce((sum, count) => sum + count.tickets, 0),
    );
    return { status, counts: row, total: row.reduce((sum, count) => sum + count, 0) };
  });
}
