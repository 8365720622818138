import { useId, type ReactNode } from "react";

import { PageButtons, useCursorPages } from "../../lib/pager";
import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { useInbox } from "./api";
import { ChangeStatusBadge, RequestedCell } from "./Badges";
import { partnerSettingsHref } from "./paths";
import { decidedBy, when } from "./wording";
import "./partners.css";

/**
 * The support agents' "Partner changes" (`/partner-changes`, the menu's "Partner changes"): every client's partner
 * change requests, newest first, read-only — the partners decide them, agents only see them (the API answers 403).
 * Each client links to its Partner settings.
 */
export function PartnerChangesPage() {
  useDocumentTitle("Partner changes");
  return (
    <ChangesGate>
      <h1>Partner changes</h1>
      <p>
        Every client&apos;s requests to move to another partner, newest first. The partner asked accepts or declines; a
        client&apos;s partner and permissions are on its Partner page.
      </p>
      <ChangesTable />
    </ChangesGate>
  );
}

/** The support agents' page: anyone else is told it is support's. */
function ChangesGate({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role !== "support") {
    return (
      <>
        <h1>Partner changes</h1>
        <p>
          This list is the support team&apos;s.{" "}
          {me.data.role === "client" ? (
            <>
              Your own change requests are under <Link href="/settings/partner">Settings</Link>.
            </>
          ) : (
            <>
              The requests addressed to your company are in your <Link href="/partner/requests">inbox</Link>.
            </>
          )}
        </p>
      </>
    );
  }
  return <>{children}</>;
}

function ChangesTable() {
  const pages = useCursorPages();
  const changes = useInbox(pages.cursor);
  const captionId = useId();
  if (changes.isPending) return <Loading>Loading the partner change requests…</Loading>;
  if (changes.isError) {
    return <ErrorMessage error={changes.error} title="The partner change requests could not be loaded" />;
  }
  const { items, next_cursor: nextCursor } = changes.data;
  return (
    <>
      <table className="table change-requests" aria-labelledby={captionId} aria-busy={changes.isPlaceholderData}>
        <caption id={captionId} className="visually-hidden">
          Partner change requests of every client, page {pages.pageNumber}
        </caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">From → to partner</th>
            <th scope="col">Requested</th>
            <th scope="col">Reason</th>
            <th scope="col">Status</th>
            <th scope="col">Decided</th>
            <th scope="col">Partner&apos;s note</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={7}>No client has asked to change partner yet.</td>
            </tr>
          ) : (
            items.map((request) => {
              const by = decidedBy(request);
              return (
                <tr key={request.request_id}>
                  <th scope="row">
                    <Link href={partnerSettingsHref(request.client_id)}>{request.client_name}</Link>
                    <span className="muted small block">{request.client_id}</span>
                  </th>
                  <td>
                    {request.from_partner_name ?? request.from_partner_id ?? <span className="muted">no partner</span>}{" "}
                    → {request.target_partner_name}
                    <span className="muted small block">{request.target_partner_id}</span>
                  </td>
                  <RequestedCell request={request} />
                  <td className="reason">{request.reason}</td>
                  <td>
                    <ChangeStatusBadge request={request} reader="client" />
                    {request.completed_at ? (
                      <span className="muted small block">completed {when(request.completed_at)}</span>
                    ) : null}
                  </td>
                  <td>
                    {request.decided_at ? (
                      <>
                        {when(request.decided_at)}
                        {by ? <span className="muted small block">by {by}</span> : null}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>{request.decision_note ?? <span className="muted">—</span>}</td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
      {nextCursor || pages.pageNumber > 1 ? (
        <PageButtons
          label="Pages of partner change requests"
          pages={pages}
          nextCursor={nextCursor}
          busy={changes.isFetching}
        />
      ) : null}
    </>
  );
}
