import { describe, expect, it } from "vitest";

import { toApiError } from "../../lib/api";
import { BOX, chartLayout, niceScale, type ChartForecast, type ChartPoint } from "./chart";
import { forgetTopUp, recallTopUp, rememberTopUp, returnState } from "./checkout";
import { placedAtFields, renewalFormOf, renewalProblems, renewalRequest, serverProblems, topUpProblems } from "./forms";
import { formatMoney, minorDigits, parseMajor, toMajorText } from "./money";
import { daysBetween, monthStart, periodLabel, periodProblems, presetPeriod } from "./periods";

describe("money", () => {
  it("shows minor units in the currency", () => {
    expect(formatMoney(4990, "eur", { locale: "en-US" })).toBe("€49.90");
    expect(formatMoney(500000, "eur", { locale: "en-US" })).toBe("€5,000.00");
    expect(formatMoney(4990, "eur", { locale: "de-DE" })).toBe("49,90\u00a0€");
    expect(formatMoney(1500, "usd", { locale: "en-US" })).toBe("$15.00");
    expect(formatMoney(1500, "jpy", { locale: "en-US" })).toBe("¥1,500");
    expect(minorDigits("jpy")).toBe(0);
  });

  it("signs a ledger's amounts when asked", () => {
    expect(formatMoney(2500, "eur", { locale: "en-US", signed: true })).toBe("+€25.00");
    expect(formatMoney(-123, "eur", { locale: "en-US", signed: true })).toBe("-€1.23");
    expect(formatMoney(0, "eur", { locale: "en-US", signed: true })).toBe("€0.00");
  });

  it("reads an amount typed in euros as cents, without float rounding", () => {
    expect(parseMajor("50", "eur")).toBe(5000);
    expect(parseMajor("49.9", "eur")).toBe(4990);
    expect(parseMajor("49,90", "eur")).toBe(4990);
    expect(parseMajor(" 1 000.29 ", "eur")).toBe(100029);
    expect(parseMajor("0.29", "eur")).toBe(29);
    expect(parseMajor("1500", "jpy")).toBe(1500);
    for (const typed of ["", "-5", "4.999", "1,000.50", "12e3", "€5", "1.5", "abc"]) {
      expect(parseMajor(typed, typed === "1.5" ? "jpy" : "eur")).toBeUndefined();
    }
    expect(toMajorText(1000, "eur")).toBe("10.00");
  });
});

describe("the funds forms", () => {
  it("takes a top-up within the hub's bounds", () => {
    expect(topUpProblems("25", "eur")).toEqual({});
    expect(topUpProblems("10", "eur")).toEqual({});
    expect(topUpProblems("5000.00", "eur")).toEqual({});
    expect(topUpProblems("9.99", "eur").amount).toMatch(/^Enter an amount between €10\.00 and €5,000\.00\.$/);
    expect(topUpProblems("5000.01", "eur").amount).toContain("between");
    expect(topUpProblems("ten", "eur").amount).toBe("Enter an amount in EUR such as 50 or 49.90.");
  });

  it("starts the auto-renewal form from the number's settings", () => {
    expect(renewalFormOf({ enabled: false, threshold: 1000, amount: 5000 }, "eur")).toEqual({
      enabled: false,
      threshold: "10.00",
      amount: "50.00",
    });
    expect(renewalFormOf({ enabled: false, threshold: 1000, amount: 0 }, "eur").amount).toBe("");
  });

  it("wants a renewed amount more than the threshold and within the bounds", () => {
    expect(renewalProblems({ enabled: true, threshold: "10", amount: "50" }, "eur")).toEqual({});
    expect(renewalProblems({ enabled: true, threshold: "60", amount: "50" }, "eur")).toEqual({
      amount: expect.stringMatching(/^The amount renewed must be more than the threshold \(€60\.00\)\.$/) as unknown,
    });
    expect(renewalProblems({ enabled: true, threshold: "50", amount: "50" }, "eur").amount).toContain("more than");
    expect(renewalProblems({ enabled: false, threshold: "", amount: "5" }, "eur")).toEqual({
      threshold: "Enter an amount in EUR such as 10 or 9.50.",
      amount: expect.stringContaining("between €10.00 and €5,000.00") as unknown,
    });
  });

  it("sends the settings in cents, only without problems", () => {
    expect(renewalRequest({ enabled: true, threshold: "10", amount: "49,90" }, "eur")).toEqual({
      enabled: true,
      threshold: 1000,
      amount: 4990,
    });
    expect(renewalRequest({ enabled: true, threshold: "60", amount: "50" }, "eur")).toBeUndefined();
  });

  it("places the API's refusals at the form's fields", () => {
    const refusal = toApiError(422, {
      type: "https://docs.client-hub.example/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "The auto-renewal settings cannot be used.",
      errors: [
        { field: "body.amount", message: "Between 10.00 and 5000.00 EUR." },
        { field: "body.amount", message: "The amount renewed must be more than the threshold." },
        { field: "query.end", message: "The end is before the start." },
        { field: "path.number_id", message: "The number's balance is not positive." },
      ],
    });

    expect(serverProblems(refusal, ["amount", "threshold"])).toEqual({
      amount: "Between 10.00 and 5000.00 EUR. The amount renewed must be more than the threshold.",
    });
    expect(serverProblems(refusal, ["start", "end"])).toEqual({ end: "The end is before the start." });
    expect(serverProblems(new Error("offline"), ["amount"])).toEqual({});
  });

  it("shows a refusal as a whole unless every one of its errors is at a shown field", () => {
    const refusal = (...fields: string[]) =>
      toApiError(422, {
        type: "https://docs.client-hub.example/problems/validation-failed",
        title: "Validation failed",
        status: 422,
        detail: "The request is not valid.",
        errors: fields.map((field) => ({ field, message: "is required" })),
      });

    expect(placedAtFields(refusal("query.start", "query.end"), ["start", "end", "granularity"])).toBe(true);
    expect(placedAtFields(refusal("query.number_id", "query.start"), ["start", "end", "granularity"])).toBe(false);
    expect(placedAtFields(refusal("query.start"), ["granularity"])).toBe(false); // a preset's period has no fields
    expect(placedAtFields(refusal(), ["start"])).toBe(false);
    expect(placedAtFields(new Error("offline"), ["amount"])).toBe(false);
  });
});

describe("the insights' periods", () => {
  const today = "2026-11-20";

  it("offers this month, the last 30 days and the last 3 months by month", () => {
    expect(presetPeriod("this-month", today)).toEqual({ start: "2026-11-01", end: today, granularity: "DAY" });
    expect(presetPeriod("last-30-days", today)).toEqual({ start: "2026-10-22", end: today, granularity: "DAY" });
    expect(presetPeriod("last-3-months", today)).toEqual({ start: "2026-09-01", end: today, granularity: "MONTH" });
    expect(presetPeriod("last-3-months", "2026-01-31").start).toBe("2025-11-01");
    expect(daysBetween("2026-10-22", today)).toBe(30);
    expect(monthStart("2026-03-31", -1)).toBe("2026-04-01");
  });

  it("refuses what the API refuses, at the field", () => {
    const period = { start: "2026-11-01", end: today, granularity: "DAY" as const };
    expect(periodProblems(period, today)).toEqual({});
    expect(periodProblems({ ...period, end: "2026-10-31" }, today)).toEqual({
      end: "The last day is before the first.",
    });
    expect(periodProblems({ ...period, end: "2026-11-21" }, today).end).toContain("in the future");
    expect(periodProblems({ ...period, start: "2025-11-19" }, today).start).toContain("start on 2025-11-20 or later");
    expect(periodProblems({ ...period, start: "2025-11-20" }, today)).toEqual({
      granularity: "A daily series covers at most 93 days: show it by month.",
    });
    expect(periodProblems({ start: "2025-11-20", end: today, granularity: "MONTH" }, today)).toEqual({});
    expect(periodProblems({ start: "2026-02-30", end: "", granularity: "DAY" }, today)).toEqual({
      start: "Enter the first day as a date.",
      end: "Enter the last day as a date.",
    });
  });

  it("names a period of a series", () => {
    expect(periodLabel("2026-11-03", "2026-11-03", "DAY", "en-US")).toBe("November 3, 2026");
    expect(periodLabel("2026-10-01", "2026-10-31", "MONTH", "en-US")).toBe("October 2026");
    expect(periodLabel("2026-11-01", "2026-11-20", "MONTH", "en-US")).toBe("November 1, 2026 – November 20, 2026");
  });
});

function point(start: string, end: string, marketing: number, utility = 0): ChartPoint {
  return {
    period_start: start,
    period_end: end,
    charges: { marketing, utility, authentication: 0, service: 0, total: marketing + utility },
  };
}

const NOVEMBER: ChartForecast = {
  month_start: "2026-11-01",
  month_end: "2026-11-30",
  month_to_date: 2000,
  projected: 3000,
  days_in_month: 30,
};

describe("the approximate charges graph", () => {
  it("rounds its axis up in even steps", () => {
    expect(niceScale(1234)).toEqual({ max: 1500, step: 500, ticks: [0, 500, 1000, 1500] });
    expect(niceScale(3000)).toEqual({ max: 3000, step: 1000, ticks: [0, 1000, 2000, 3000] });
    expect(niceScale(9)).toEqual({ max: 10, step: 2.5, ticks: [0, 2.5, 5, 7.5, 10] });
    expect(niceScale(3)).toEqual({ max: 3, step: 1, ticks: [0, 1, 2, 3] });
    expect(niceScale(0).max).toBe(100);
  });

  it("stacks each period's categories from the axis up to its total", () => {
    const { bars, yOf, box } = chartLayout(
      [point("2026-09-01", "2026-09-30", 600, 400), point("2026-10-01", "2026-10-31", 0, 500)],
      { ...NOVEMBER, projected: 0 },
      "MONTH",
    );
    const bottom = box.height - box.bottom;
    const [september, october] = bars;
    if (!september || !october) throw new Error("a bar per period");
    const [marketing, utility] = september.segments;
    expect(yOf(0)).toBe(bottom);
    expect(september.segments.map((segment) => segment.category)).toEqual(["marketing", "utility"]);
    expect((marketing?.y ?? 0) + (marketing?.height ?? 0)).toBeCloseTo(bottom);
    expect(utility?.y).toBeCloseTo(september.y);
    expect(october.segments.map((segment) => segment.category)).toEqual(["utility"]);
    expect(october.x).toBeGreaterThan(september.x + september.width);
    expect(bars.every((bar) => bar.x >= BOX.left && bar.x + bar.width <= BOX.width - BOX.right)).toBe(true);
  });

  it("carries the current month's bar up to the projected total, which the axis includes", () => {
    const layout = chartLayout(
      [point("2026-10-01", "2026-10-31", 1200), point("2026-11-01", "2026-11-20", 2000)],
      NOVEMBER,
      "MONTH",
    );
    const november = layout.bars[1];
    expect(layout.scale.max).toBe(3000);
    expect(layout.forecast).toEqual({
      kind: "month",
      projected: 3000,
      x: november?.x,
      width: november?.width,
      y: layout.yOf(3000),
      height: (november?.y ?? 0) - layout.yOf(3000),
    });
  });

  it("draws the projected daily rate across the current month's days only", () => {
    const layout = chartLayout(
      [
        point("2026-10-31", "2026-10-31", 80),
        point("2026-11-01", "2026-11-01", 90),
        point("2026-11-02", "2026-11-02", 110),
      ],
      NOVEMBER,
      "DAY",
    );
    const [october, first, second] = layout.bars;
    expect(layout.forecast).toMatchObject({ kind: "rate", rate: 100, projected: 3000, y: layout.yOf(100) });
    expect(layout.forecast).toMatchObject({ x1: first?.x, x2: (second?.x ?? 0) + (second?.width ?? 0) });
    expect(october?.x).toBeLessThan(first?.x ?? 0);
  });

  it("draws no forecast for a period before the current month", () => {
    expect(chartLayout([point("2026-10-01", "2026-10-31", 1200)], NOVEMBER, "MONTH").forecast).toBeNull();
    expect(chartLayout([point("2026-10-30", "2026-10-30", 50)], NOVEMBER, "DAY").forecast).toBeNull();
  });

  it("writes every n-th label of a long series, at most twelve", () => {
    const days = Array.from({ length: 30 }, (_, index) => {
      const day = `2026-11-${String(index + 1).padStart(2, "0")}`;
      return point(day, day, 10);
    });
    const labelled = chartLayout(days, NOVEMBER, "DAY").bars.filter((bar) => bar.labelled);
    expect(labelled.map((bar) => bar.start)).toEqual([
      "2026-11-01",
      "2026-11-04",
      "2026-11-07",
      "2026-11-10",
      "2026-11-13",
      "2026-11-16",
      "2026-11-19",
      "2026-11-22",
      "2026-11-25",
      "2026-11-28",
    ]);
  });
});

describe("the return from checkout", () => {
  function memory() {
    const items = new Map<string, string>();
    return {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    };
  }

  it("remembers the balance the tab left with, for that number", () => {
    const storage = memory();
    rememberTopUp(storage, { numberId: "106540352242922", balance: 1785 });
    expect(recallTopUp(storage, "106540352242922")).toEqual({ numberId: "106540352242922", balance: 1785 });
    expect(recallTopUp(storage, "106540352242923")).toBeUndefined();
    forgetTopUp(storage);
    expect(recallTopUp(storage, "106540352242922")).toBeUndefined();
    storage.setItem("client-hub.top-up", "{not json");
    expect(recallTopUp(storage, "106540352242922")).toBeUndefined();
  });

  it("is confirmed once the balance moved", () => {
    const pending = { numberId: "1", balance: 1785 };
    expect(returnState("success", pending, 1785, false)).toBe("confirming");
    expect(returnState("success", pending, 4285, false)).toBe("confirmed");
    expect(returnState("success", pending, 1785, true)).toBe("unconfirmed");
    expect(returnState("success", undefined, 1785, false)).toBe("confirming");
    expect(returnState("cancelled", pending, 1785, false)).toBe("cancelled");
  });
});
