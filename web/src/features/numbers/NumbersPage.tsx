import { useId, useState } from "react";
import { Button } from "react-aria-components";
import { useParams, useSearchParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useNumbersPage, type PhoneNumber } from "./api";
import { ImportsInProgress } from "./ImportsInProgress";
import { RowActions } from "./RowActions";
import { AccountStatusBadge, QualityBadge } from "./StatusBadges";
import { utcDate } from "./wording";

const PAGE_SIZES = [5, 10, 25, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 25;

/** The Numbers page (seed, "Numbers"): one row per number, for the signed-in client or the client in the URL. */
export function NumbersPage() {
  const { clientId } = useParams();
  const [search, setSearch] = useSearchParams();
  const asked = Number(search.get("per_page"));
  const perPage = (PAGE_SIZES as readonly number[]).includes(asked) ? asked : DEFAULT_PAGE_SIZE;
  const selectId = useId();
  useDocumentTitle(clientId ? `Numbers of ${clientId}` : "Numbers");

  return (
    <>
      <div className="page-heading">
        <h1>Numbers</h1>
        {clientId ? <p className="muted">Client {clientId}</p> : null}
        {/* adding and importing are the client's own (partners and support act for a client in the URL) */}
        {clientId ? null : (
          <div className="page-actions">
            <Link href="/numbers/add" className="button primary">
              Add number
            </Link>
            <Link href="/numbers/import" className="button">
              Import from another BSP
            </Link>
          </div>
        )}
      </div>
      {clientId ? null : <ImportsInProgress />}
      <div className="toolbar">
        <label htmlFor={selectId}>Rows per page</label>
        <select
          id={selectId}
          value={perPage}
          onChange={(event) => {
            const next = new URLSearchParams(search);
            next.set("per_page", event.target.value);
            setSearch(next);
          }}
        >
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      {/* a new client or page size starts again at the first page */}
      <NumbersTable key={`${clientId ?? ""}:${perPage}`} clientId={clientId} perPage={perPage} />
    </>
  );
}

function NumbersTable({ clientId, perPage }: { clientId: string | undefined; perPage: number }) {
  // the cursors of the pages before this one: "Previous" goes back to the last
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const page = useNumbersPage(clientId, perPage, cursor);
  const captionId = useId();

  if (page.isPending) return <Loading>Loading numbers…</Loading>;
  if (page.isError) return <ErrorMessage error={page.error} title="The numbers could not be loaded" />;

  const { items, next_cursor: nextCursor } = page.data;
  const pageNumber = cursors.length;
  const base = clientId ? `/clients/${encodeURIComponent(clientId)}/numbers` : "/numbers";
  const first = (pageNumber - 1) * perPage + 1;

  return (
    <>
      <table className="table" aria-labelledby={captionId} aria-busy={page.isPlaceholderData}>
        <caption id={captionId} className="visually-hidden">
          Phone numbers{clientId ? ` of client ${clientId}` : ""}, page {pageNumber}
        </caption>
        <thead>
          <tr>
            <th scope="col">Phone Number</th>
            <th scope="col">Account Status</th>
            <th scope="col">WhatsApp Display Name</th>
            <th scope="col">Quality Rating</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={5}>No numbers yet.</td>
            </tr>
          ) : (
            items.map((number) => <NumberRow key={number.number_id} number={number} base={base} />)
          )}
        </tbody>
      </table>
      <nav className="pagination" aria-label="Pages of numbers">
        <Button
          className="button"
          isDisabled={pageNumber === 1 || page.isFetching}
          onPress={() => {
            setCursors((previous) => previous.slice(0, -1));
          }}
        >
          Previous
        </Button>
        <p role="status" className="page-status">
          {items.length > 0 ? `Page ${pageNumber}: numbers ${first}–${first + items.length - 1}` : `Page ${pageNumber}`}
        </p>
        <Button
          className="button"
          isDisabled={!nextCursor || page.isFetching}
          onPress={() => {
            if (nextCursor) setCursors((previous) => [...previous, nextCursor]);
          }}
        >
          Next
        </Button>
      </nav>
    </>
  );
}

function NumberRow({ number, base }: { number: PhoneNumber; base: string }) {
  return (
    <tr>
      <th scope="row" className="phone">
        {number.display_phone_number}
      </th>
      <td>
        <AccountStatusBadge status={number.account_status} deletionAt={number.deletion_at} />
        {number.account_status === "pending_deletion" && number.deletion_at ? (
          <span className="muted small block">Deletion on {utcDate(number.deletion_at)} (UTC)</span>
        ) : null}
      </td>
      <td>{number.display_name ?? <span className="muted">Not set</span>}</td>
      <td>
        <QualityBadge rating={number.quality_rating} />
      </td>
      <td>
        <RowActions number={number} manageHref={`${base}/${encodeURIComponent(number.number_id)}`} />
      </td>
    </tr>
  );
}
