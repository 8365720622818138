import { useId } from "react";

import type { Insights } from "./api";
import { CATEGORIES, CATEGORY_NAMES, chartLayout, type Layout } from "./chart";
import { formatMoney } from "./money";
import { dayLabel, longDay, type Granularity } from "./periods";

/**
 * The "Approximate charges" graph (seed, "Insights"), drawn by hand: a bar per period stacked by category, and the
 * month's forecast hatched with a dashed outline, labelled as an estimate. As an image it is named and described
 * (the period, the total, the forecast); the table below it lists every amount.
 */
export function ChargesChart({ insights }: { insights: Insights }) {
  const granularity: Granularity = insights.granularity === "MONTH" ? "MONTH" : "DAY";
  const layout = chartLayout(insights.series, insights.forecast, granularity);
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, "");
  const money = (minor: number) => formatMoney(Math.round(minor), insights.currency);
  const per = granularity === "DAY" ? "day" : "month";
  const month = dayLabel(insights.forecast.month_start, "MONTH");
  const forecastWords = layout.forecast
    ? ` The forecast for ${month}, ${money(insights.forecast.projected)} (estimate), is drawn hatched with a dashed outline${
        layout.forecast.kind === "rate" ? `, as its daily rate of ${money(layout.forecast.rate)}` : ""
      }.`
    : "";
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${layout.box.width} ${layout.box.height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>
          Approximate charges per {per}, {longDay(insights.start)} to {longDay(insights.end)} (estimates)
        </title>
        <desc id={`${id}-desc`}>
          {`Bars by pricing category; ${money(insights.totals.charges.total)} in all.${forecastWords} "Show the amounts as a table", below the graph, lists every amount.`}
        </desc>
        <defs>
          <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" className="hatch-line" />
          </pattern>
        </defs>
        <Axis layout={layout} money={money} />
        {layout.bars.map((bar) => (
          <g key={bar.start} data-period={bar.start}>
            {bar.segments.map((segment) => (
              <rect
                key={segment.category}
                className={`fill-${segment.category}`}
                x={segment.x}
                y={segment.y}
                width={segment.width}
                height={segment.height}
              />
            ))}
            {bar.labelled ? (
              <text x={bar.x + bar.width / 2} y={layout.box.height - layout.box.bottom + 18} textAnchor="middle">
                {dayLabel(bar.start, granularity)}
              </text>
            ) : null}
          </g>
        ))}
        <ForecastMark layout={layout} hatch={`url(#${id}-hatch)`} money={money} />
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          {CATEGORIES.map((category) => (
            <li key={category}>
              <span className={`swatch fill-${category}`} aria-hidden="true" />
              {CATEGORY_NAMES[category]}
            </li>
          ))}
          <li>
            <span className="swatch forecast" aria-hidden="true" />
            Forecast for {month} (estimate)
          </li>
        </ul>
        <p className="small muted">Every amount is approximate.</p>
      </figcaption>
    </figure>
  );
}

function Axis({ layout, money }: { layout: Layout; money: (minor: number) => string }) {
  const { box, scale, yOf } = layout;
  return (
    <g aria-hidden="true">
      {scale.ticks.map((tick) => (
        <g key={tick}>
          <line className="grid" x1={box.left} x2={box.width - box.right} y1={yOf(tick)} y2={yOf(tick)} />
          <text x={box.left - 8} y={yOf(tick) + 4} textAnchor="end">
            {money(tick)}
          </text>
        </g>
      ))}
      <line
        className="axis"
        x1={box.left}
        x2={box.width - box.right}
        y1={box.height - box.bottom}
        y2={box.height - box.bottom}
      />
    </g>
  );
}

function ForecastMark({ layout, hatch, money }: { layout: Layout; hatch: string; money: (minor: number) => string }) {
  const mark = layout.forecast;
  if (!mark) return null;
  if (mark.kind === "month") {
    const centre = mark.x + mark.width / 2;
    const right = centre > layout.box.width / 2;
    return (
      <g data-forecast="month">
        <rect className="forecast-mark" x={mark.x} y={mark.y} width={mark.width} height={mark.height} fill={hatch} />
        <text
          className="forecast-label"
          x={right ? mark.x + mark.width : mark.x}
          y={Math.max(layout.box.top - 8, mark.y - 8)}
          textAnchor={right ? "end" : "start"}
        >
          Projected {money(mark.projected)} (estimate)
        </text>
      </g>
    );
  }
  return (
    <g data-forecast="rate">
      <rect x={mark.x1} y={mark.y - 3} width={mark.x2 - mark.x1} height={6} fill={hatch} className="forecast-mark" />
      <text className="forecast-label" x={mark.x2} y={layout.box.top - 12} textAnchor="end">
        Projected {money(mark.projected)} this month, {money(mark.rate)} a day (estimate)
      </text>
    </g>
  );
}
