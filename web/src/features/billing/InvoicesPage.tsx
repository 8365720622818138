import { useId } from "react";

import { PageButtons, useCursorPages } from "../../lib/pager";
import { ErrorMessage, ExternalLink, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { useInvoices, type Invoice } from "./api";
import { arrangementOf } from "./arrangement";
import { formatMoney } from "./money";
import { ThroughPartner } from "./ThroughPartner";
import "./billing.css";

const STATUSES: Record<string, { label: string; tone: string }> = {
  draft: { label: "Draft", tone: "neutral" },
  open: { label: "Open", tone: "warning" },
  paid: { label: "Paid", tone: "good" },
  void: { label: "Void", tone: "neutral" },
  uncollectible: { label: "Uncollectible", tone: "bad" },
};

/** Invoices (`/billing/invoices`): a direct client's invoices from Stripe, newest first, each with its PDF. */
export function InvoicesPage() {
  useDocumentTitle("Invoices");
  const me = useMe();
  const arrangement = arrangementOf(me.data);
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  return (
    <>
      <h1>Invoices</h1>
      {arrangement.kind === "partner" ? <ThroughPartner partnerId={arrangement.partnerId} /> : <InvoicesTable />}
    </>
  );
}

function InvoicesTable() {
  const pages = useCursorPages();
  const page = useInvoices(pages.cursor);
  const captionId = useId();
  const { pageNumber } = pages;
  if (page.isPending) return <Loading>Loading your invoices…</Loading>;
  if (page.isError) return <ErrorMessage error={page.error} title="Your invoices could not be loaded" />;
  const { items, next_cursor: nextCursor } = page.data;
  return (
    <>
      <table className="table" aria-labelledby={captionId} aria-busy={page.isPlaceholderData}>
        <caption id={captionId} className="visually-hidden">
          Invoices, page {pageNumber}
        </caption>
        <thead>
          <tr>
            <th scope="col">Invoice</th>
            <th scope="col">Period</th>
            <th scope="col" className="amount">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col">PDF</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={5}>No invoices yet.</td>
            </tr>
          ) : (
            items.map((invoice) => <InvoiceRow key={invoice.invoice_id} invoice={invoice} />)
          )}
        </tbody>
      </table>
      <PageButtons label="Pages of invoices" pages={pages} nextCursor={nextCursor} busy={page.isFetching} announce />
    </>
  );
}

function day(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(value));
}

function InvoiceRow({ invoice }: { invoice: Invoice }) {
  const name = invoice.number ?? "Draft";
  const status = STATUSES[invoice.status] ?? { label: invoice.status, tone: "neutral" };
  return (
    <tr>
      <th scope="row">
        {name}
        <span className="muted small block">Issued {day(invoice.created)}</span>
      </th>
      <td>
        {day(invoice.period_start)} – {day(invoice.period_end)}
      </td>
      <td className="amount">
        {formatMoney(invoice.total, invoice.currency)}
        {invoice.status === "open" && invoice.amount_due > 0 ? (
          <span className="small block">{formatMoney(invoice.amount_due, invoice.currency)} due</span>
        ) : null}
      </td>
      <td>
        <span className={`pill tone-${status.tone}`}>{status.label}</span>
        {invoice.status === "open" && invoice.hosted_url ? (
          <span className="small block">
            <ExternalLink href={invoice.hosted_url}>
              Pay<span className="visually-hidden"> invoice {name}</span>
            </ExternalLink>
          </span>
        ) : null}
      </td>
      <td>
        {invoice.pdf_url ? (
          <ExternalLink href={invoice.pdf_url}>
            PDF<span className="visually-hidden"> of invoice {name}</span>
          </ExternalLink>
        ) : (
          <span className="muted">None yet</span>
        )}
      </td>
    </tr>
  );
}
