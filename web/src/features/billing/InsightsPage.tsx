import { useId, useState, type ReactNode } from "react";
import {
  Button,
  Disclosure,
  DisclosurePanel,
  FieldError,
  Form,
  Input,
  Label,
  RadioButton,
  RadioField,
  RadioGroup,
  TextField,
} from "react-aria-components";
import { useParams, useSearchParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { useInsights, useNumberChoices, type Insights, type InsightsPoint } from "./api";
import { arrangementOf } from "./arrangement";
import { CATEGORIES, CATEGORY_NAMES } from "./chart";
import { ChargesChart } from "./ChargesChart";
import { placedAtFields, serverProblems } from "./forms";
import { formatMoney } from "./money";
import {
  dayLabel,
  isGranularity,
  isPreset,
  longDay,
  monthStart,
  periodLabel,
  periodProblems,
  presetPeriod,
  PRESETS,
  todayUtc,
  type Granularity,
  type Period,
  type PeriodField,
  type Preset,
} from "./periods";
import "./billing.css";

const PERIOD_FIELDS: readonly PeriodField[] = ["start", "end", "granularity"];

/**
 * Insights (seed, "Insights"; `/insights`, `/clients/{id}/insights`): a number's billable messages by category and
 * its Approximate charges graph over a period — this month, the last 30 days, the last 3 months by month, or days of
 * one's own choosing — with the month's forecast. The number, the period and the granularity are in the address
 * (`?number_id=…&period=…&granularity=DAY|MONTH[&start=…&end=…]`).
 */
export function InsightsPage() {
  const { clientId } = useParams();
  useDocumentTitle("Insights");
  const [search, setSearch] = useSearchParams();
  const choices = useNumberChoices(clientId);
  const me = useMe();
  const today = todayUtc();
  const asked = search.get("period");
  const preset: Preset = isPreset(asked) ? asked : "this-month";
  const shown =
    preset === "custom"
      ? {
          start: search.get("start") ?? monthStart(today),
          end: search.get("end") ?? today,
          granularity: "DAY" as const,
        }
      : presetPeriod(preset, today);
  const askedGranularity = search.get("granularity");
  const period: Period = {
    ...shown,
    granularity: isGranularity(askedGranularity) ? askedGranularity : shown.granularity,
  };
  const numbers = choices.data?.items ?? [];
  const numberId = search.get("number_id") ?? numbers[0]?.number_id ?? "";
  const problems = periodProblems(period, today);
  const valid = Object.keys(problems).length === 0;
  const insights = useInsights(numberId, period, valid);
  const fieldProblems = { ...problems, ...serverProblems(insights.error, PERIOD_FIELDS) };
  const arrangement = arrangementOf(me.data);
  const numberSelect = useId();

  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    setSearch(next, { replace: true });
  }

  if (choices.isPending) return <Loading>Loading your numbers…</Loading>;
  if (choices.isError) return <ErrorMessage error={choices.error} title="The numbers could not be loaded" />;

  return (
    <>
      <div className="page-heading">
        <h1>Insights</h1>
        {clientId ? <p className="muted">Client {clientId}</p> : null}
      </div>
      {numbers.length === 0 ? (
        <p>There are no numbers yet: insights show once a number sends messages.</p>
      ) : (
        <>
          <div className="insights-controls">
            <div className="field">
              <label htmlFor={numberSelect}>Number</label>
              <select
                id={numberSelect}
                value={numberId}
                onChange={(event) => {
                  update({ number_id: event.target.value });
                }}
              >
                {numbers.map((number) => (
                  <option key={number.number_id} value={number.number_id}>
                    {number.display_phone_number}
                    {number.display_name ? ` · ${number.display_name}` : ""}
                  </option>
                ))}
              </select>
            </div>
            <RadioGroup
              value={preset}
              onChange={(value) => {
                if (!isPreset(value)) return;
                update(
                  value === "custom"
                    ? { period: value, start: period.start, end: period.end, granularity: period.granularity }
                    : { period: value, start: null, end: null, granularity: null },
                );
              }}
              className="field radio-group"
            >
              <Label>Period</Label>
              <div className="radios">
                {PRESETS.map(([value, words]) => (
                  <RadioField key={value} value={value}>
                    <RadioButton className="radio">{words}</RadioButton>
                  </RadioField>
                ))}
              </div>
            </RadioGroup>
            <RadioGroup
              value={period.granularity}
              onChange={(value) => {
                if (isGranularity(value)) update({ granularity: value });
              }}
              isInvalid={fieldProblems.granularity !== undefined}
              className="field radio-group"
            >
              <Label>Show per</Label>
              <div className="radios">
                <RadioField value="DAY">
                  <RadioButton className="radio">Day</RadioButton>
                </RadioField>
                <RadioField value="MONTH">
                  <RadioButton className="radio">Month</RadioButton>
                </RadioField>
              </div>
              <FieldError className="field-error">{fieldProblems.granularity}</FieldError>
            </RadioGroup>
          </div>
          {preset === "custom" ? (
            <CustomPeriod
              key={`${period.start}:${period.end}`}
              period={period}
              today={today}
              problems={fieldProblems}
              onShow={(start, end) => {
                update({ start, end });
              }}
            />
          ) : null}
          {arrangement.kind === "direct" && arrangement.prepaid && !clientId ? (
            <p>
              Messages of this number are paid from its prepaid funds:{" "}
              <Link href={`/billing/funds?number_id=${encodeURIComponent(numberId)}`}>Manage funds</Link>.
            </p>
          ) : null}
          {valid && insights.isPending ? <Loading>Asking Meta for the number&apos;s analytics…</Loading> : null}
          {insights.isError &&
          !placedAtFields(insights.error, preset === "custom" ? PERIOD_FIELDS : ["granularity"]) ? (
            <ErrorMessage error={insights.error} title="The insights could not be loaded" />
          ) : null}
          {valid && insights.data ? <Results insights={insights.data} busy={insights.isPlaceholderData} /> : null}
        </>
      )}
    </>
  );
}

function CustomPeriod({
  period,
  today,
  problems,
  onShow,
}: {
  period: Period;
  today: string;
  problems: Partial<Record<PeriodField, string>>;
  onShow: (start: string, end: string) => void;
}) {
  const [start, setStart] = useState(period.start);
  const [end, setEnd] = useState(period.end);
  return (
    <Form
      className="custom-period"
      aria-label="Custom period"
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        onShow(start, end);
      }}
    >
      <TextField
        type="date"
        value={start}
        onChange={setStart}
        isInvalid={problems.start !== undefined}
        className="field"
      >
        <Label>First day</Label>
        <Input max={today} />
        <FieldError className="field-error">{problems.start}</FieldError>
      </TextField>
      <TextField type="date" value={end} onChange={setEnd} isInvalid={problems.end !== undefined} className="field">
        <Label>Last day</Label>
        <Input max={today} />
        <FieldError className="field-error">{problems.end}</FieldError>
      </TextField>
      <Button type="submit" className="button">
        Show
      </Button>
    </Form>
  );
}

function messagesOf(point: InsightsPoint): number {
  return CATEGORIES.reduce((sum, category) => sum + point.messages[category], 0);
}

function Results({ insights, busy }: { insights: Insights; busy: boolean }) {
  const granularity: Granularity = insights.granularity === "MONTH" ? "MONTH" : "DAY";
  const money = (minor: number) => formatMoney(minor, insights.currency);
  const { forecast, totals } = insights;
  const headingId = useId();
  const messagesHeadingId = useId();
  const range = `${longDay(insights.start)} – ${longDay(insights.end)}`;
  return (
    <div aria-busy={busy}>
      <section aria-labelledby={headingId} className="card">
        <h2 id={headingId}>Approximate charges</h2>
        <p className="muted estimate-note">
          Every amount here is an estimate from the hub&apos;s rate card by category and recipient country; Meta&apos;s
          invoice is the truth.
        </p>
        <dl className="fields">
          <Row name={`Approximate charges, ${range}`}>{money(totals.charges.total)} (estimate)</Row>
          <Row name="Billable messages">{messagesOf(totals).toLocaleString()}</Row>
          <Row name={`${dayLabel(forecast.month_start, "MONTH")} so far`}>
            {money(forecast.month_to_date)} (estimate)
          </Row>
          <Row name={`Forecast for ${dayLabel(forecast.month_start, "MONTH")}`}>
            {money(forecast.projected)} (estimate: the first {forecast.days_elapsed} of {forecast.days_in_month} days
            carried to the month&apos;s end)
          </Row>
        </dl>
        <ChargesChart insights={insights} />
        <Disclosure className="details">
          {({ isExpanded }) => (
            <>
              <Button slot="trigger" className="button">
                {isExpanded ? "Hide the amounts" : "Show the amounts as a table"}
              </Button>
              <DisclosurePanel>
                <PeriodTable
                  caption="Approximate charges by period (estimates)"
                  insights={insights}
                  granularity={granularity}
                  cells={(point) => [
                    ...CATEGORIES.map((category) => money(point.charges[category])),
                    money(point.charges.total),
                  ]}
                />
              </DisclosurePanel>
            </>
          )}
        </Disclosure>
      </section>
      <section aria-labelledby={messagesHeadingId} className="card">
        <h2 id={messagesHeadingId}>Billable messages by category</h2>
        <PeriodTable
          caption={`Billable messages by category, ${range}`}
          insights={insights}
          granularity={granularity}
          cells={(point) => [
            ...CATEGORIES.map((category) => point.messages[category].toLocaleString()),
            messagesOf(point).toLocaleString(),
          ]}
        />
      </section>
    </div>
  );
}

/** A period's row per point of the series, a column per category and the total, the whole period below. */
function PeriodTable({
  caption,
  insights,
  granularity,
  cells,
}: {
  caption: string;
  insights: Insights;
  granularity: Granularity;
  cells: (point: InsightsPoint) => string[];
}) {
  return (
    <table className="table history">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{granularity === "DAY" ? "Day" : "Month"}</th>
          {CATEGORIES.map((category) => (
            <th key={category} scope="col" className="amount">
              {CATEGORY_NAMES[category]}
            </th>
          ))}
          <th scope="col" className="amount">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {insights.series.map((point) => (
          <tr key={point.period_start}>
            <th scope="row">{periodLabel(point.period_start, point.period_end, granularity)}</th>
            {cells(point).map((cell, index) => (
              <td key={index} className="amount">
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Whole period</th>
          {cells(insights.totals).map((cell, index) => (
            <td key={index} className="amount">
              {cell}
            </td>
          ))}
        </tr>
      </tfoot>
    </table>
  );
}

function Row({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="field-row">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
