import { useId } from "react";

import { ErrorMessage, Loading, useDocumentTitle } from "../../lib/ui";
import { useFigures, type QueueFigures } from "./api";
import { AgentGate } from "./Gate";
import { QUEUE } from "./paths";
import { filtersKey, TicketFilterBar, TicketsTable, useTicketFilters } from "./TicketsList";
import { countsTable } from "./figures";
import { CATEGORIES, categoryName, duration, ticketStatus } from "./wording";
import "./support.css";

/**
 * The support queue (support agents, the menu's "Support queue"): the figures agents watch — tickets not closed by
 * status and category, those nobody works, the ones awaiting a first answer and the median first-response time —
 * then every client's tickets, filtered by status, category, priority, client and assignee ("Me").
 */
export function QueuePage() {
  const [filters, setFilters] = useTicketFilters();
  useDocumentTitle("Support queue");
  return (
    <AgentGate>
      {(me) => (
        <>
          <h1>Support queue</h1>
          <Figures />
          <h2>Tickets</h2>
          <TicketFilterBar
            filters={filters}
            onChange={setFilters}
            viewer="agent"
            queue
            myEmail={me.email ?? me.subject}
          />
          <TicketsTable
            key={filtersKey(filters)}
            filters={filters}
            viewer="agent"
            base={QUEUE}
            queue
            caption="Every client's support tickets"
          />
        </>
      )}
    </AgentGate>
  );
}

function Figures() {
  const figures = useFigures();
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="figures">
      <h2 id={headingId} className="visually-hidden">
        Figures
      </h2>
      {figures.isPending ? <Loading>Loading the figures…</Loading> : null}
      {figures.isError ? <ErrorMessage error={figures.error} title="The figures could not be loaded" /> : null}
      {figures.data ? <FigureCards figures={figures.data} /> : null}
    </section>
  );
}

function FigureCards({ figures }: { figures: QueueFigures }) {
  const captionId = useId();
  const rows = countsTable(figures.counts);
  const notClosed = rows.reduce((sum, row) => sum + row.total, 0);
  const median = figures.first_response_median_seconds;
  return (
    <>
      <dl className="figure-cards">
        <div className="figure">
          <dt>Not closed</dt>
          <dd>{notClosed}</dd>
        </div>
        <div className="figure">
          <dt>Unassigned</dt>
          <dd>{figures.unassigned}</dd>
        </div>
        <div className="figure">
          <dt>Awaiting a first response</dt>
          <dd>{figures.awaiting_first_response}</dd>
        </div>
        <div className="figure">
          <dt>Median first response ({figures.first_response_window_days} days)</dt>
          <dd>{median === null ? "—" : duration(median)}</dd>
        </div>
      </dl>
      <table className="table counts" aria-labelledby={captionId}>
        <caption id={captionId}>Tickets not closed, by status and category</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            {CATEGORIES.map((category) => (
              <th key={category} scope="col" className="amount">
                {categoryName(category)}
              </th>
            ))}
            <th scope="col" className="amount">
              All
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.status}>
              <th scope="row">{ticketStatus(row.status, "agent").label}</th>
              {row.counts.map((count, index) => (
                <td key={CATEGORIES[index]} className="amount">
                  {count}
                </td>
              ))}
              <td className="amount">{row.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
