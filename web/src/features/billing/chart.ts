/**
 * The geometry of the "Approximate charges" graph, drawn by hand in SVG: a bar per period stacked by pricing
 * category, a value axis with round steps, and the month's forecast — on a monthly graph the current month's bar
 * carried up to the projected total, on a daily one the projected daily rate across the current month's days.
 */
import type { Granularity } from "./periods";

export const CATEGORIES = ["marketing", "utility", "authentication", "service"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES: Record<Category, string> = {
  marketing: "Marketing",
  utility: "Utility",
  authentication: "Authentication",
  service: "Service",
};

/** One period of the series, as the API answers it (amounts in minor units). */
export interface ChartPoint {
  period_start: string;
  period_end: string;
  charges: Partial<Record<Category | "total", number>>;
}

/** The month's forecast, as the API answers it. */
export interface ChartForecast {
  month_start: string;
  month_end: string;
  month_to_date: number;
  projected: number;
  days_in_month: number;
}

/** The drawing's size and the margins around its plot (the axis labels live there), in SVG units. */
export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const BOX: Box = { width: 720, height: 300, left: 80, right: 24, top: 32, bottom: 40 };

export interface Scale {
  max: number;
  step: number;
  ticks: number[];
}

export interface Segment {
  category: Category;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Bar {
  start: string;
  end: string;
  total: number;
  x: number;
  width: number;
  /** The bar's top (its total's height). */
  y: number;
  /** Whether its label is written under it (every n-th, so that labels do not overlap). */
  labelled: boolean;
  segments: Segment[];
}

/** The projected month total over the current month's bar (MONTH), from the bar's top up to the projection. */
export interface MonthForecast {
  kind: "month";
  projected: number;
  x: number;
  width: number;
  y: number;
  height: number;
}

/** The projected daily rate (projected total ÷ days of the month) across the current month's days (DAY). */
export interface RateForecast {
  kind: "rate";
  projected: number;
  rate: number;
  x1: number;
  x2: number;
  y: number;
}

export interface Layout {
  box: Box;
  scale: Scale;
  bars: Bar[];
  forecast: MonthForecast | RateForecast | null;
  /** The height of a value (minor units) in the plot. */
  yOf: (value: number) => number;
}

const STEPS = [1, 2, 2.5, 5, 10];
const MAX_LABELS = 12;
const BAR_SHARE = 0.7;
const MAX_BAR_WIDTH = 56;

/**
 * A value axis from zero past `max` in `ticks` round steps (1, 2, 2.5 or 5 times a power of ten, at least one minor
 * unit): 1234 → 0, 500, 1000, 1500. Nothing to show (0) still gets an axis, up to one major unit.
 */
export function niceScale(max: number, ticks = 4): Scale {
  const top = max > 0 ? max : 100;
  const raw = top / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, (STEPS.find((nice) => nice * magnitude >= raw) ?? 10) * magnitude);
  const count = Math.ceil(top / step);
  return { max: count * step, step, ticks: Array.from({ length: count + 1 }, (_, index) => index * step) };
}

function total(point: ChartPoint): number {
  return point.charges.total ?? CATEGORIES.reduce((sum, category) => sum + (point.charges[category] ?? 0), 0);
}

/** The bars of the series with their stacked segments, the axis and the forecast's mark, in the box. */
export function chartLayout(
  series: readonly ChartPoint[],
  forecast: ChartForecast,
  granularity: Granularity,
  box: Box = BOX,
): Layout {
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const slot = series.length > 0 ? plotWidth / series.length : plotWidth;
  const barWidth = Math.min(MAX_BAR_WIDTH, slot * BAR_SHARE);
  const every = Math.ceil(series.length / MAX_LABELS);
  const inMonth = series
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => point.period_start >= forecast.month_start && point.period_start <= forecast.month_end);
  const rate = forecast.days_in_month > 0 ? forecast.projected / forecast.days_in_month : 0;
  const monthBar = granularity === "MONTH" ? inMonth.at(-1) : undefined;
  const forecastTop =
    granularity === "MONTH" ? (monthBar ? forecast.projected : 0) : inMonth.length > 0 ? Math.ceil(rate) : 0;
  const scale = niceScale(Math.max(forecastTop, ...series.map(total)));
  const yOf = (value: number) => box.top + plotHeight * (1 - value / scale.max);
  const xOf = (index: number) => box.left + index * slot + (slot - barWidth) / 2;

  const bars = series.map((point, index): Bar => {
    const x = xOf(index);
    let stacked = 0;
    const segments: Segment[] = [];
    for (const category of CATEGORIES) {
      const value = point.charges[category] ?? 0;
      if (value <= 0) continue;
      const y = yOf(stacked + value);
      segments.push({ category, value, x, y, width: barWidth, height: yOf(stacked) - y });
      stacked += value;
    }
    const sum = total(point);
    return {
      start: point.period_start,
      end: point.period_end,
      total: sum,
      x,
      width: barWidth,
      y: yOf(sum),
      labelled: index % every === 0,
      segments,
    };
  });

  let mark: MonthForecast | RateForecast | null = null;
  if (monthBar) {
    const bar = bars[monthBar.index];
    if (bar && forecast.projected > bar.total) {
      const y = yOf(forecast.projected);
      mark = { kind: "month", projected: forecast.projected, x: bar.x, width: bar.width, y, height: bar.y - y };
    }
  } else if (granularity === "DAY" && inMonth.length > 0) {
    const first = bars[inMonth[0]?.index ?? 0];
    const last = bars[inMonth.at(-1)?.index ?? 0];
    if (first && last) {
      mark = { kind: "rate", projected: forecast.projected, rate, x1: first.x, x2: last.x + last.width, y: yOf(rate) };
    }
  }
  return { box, scale, bars, forecast: mark, yOf };
}
