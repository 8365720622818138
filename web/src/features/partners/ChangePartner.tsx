import { useEffect, useId, useRef, useState, type SyntheticEvent } from "react";
import { FieldError, Form, Input, Label, Text, TextArea, TextField } from "react-aria-components";

import { ApiError } from "../../lib/api";
import { PageButtons, useCursorPages } from "../../lib/pager";
import { BusyButton, ErrorMessage, Loading } from "../../lib/ui";
import {
  useChangeRequests,
  useRefreshPartner,
  useRequestChange,
  useWithdraw,
  type ChangeRequest,
  type PartnerPermissions,
} from "./api";
import { ChangeStatusBadge, RequestedCell } from "./Badges";
import {
  decidedBy,
  isOpen,
  REASON_MAX,
  requestProblems,
  unseenMove,
  when,
  type RequestDraft,
  type RequestField,
} from "./wording";

const EMPTY: RequestDraft = { targetPartnerId: "", reason: "" };

/** What the form sent: the request, and the words saying so. */
interface Sent {
  requestId: string;
  message: string;
}

/** The API's names of the form's fields (422 `errors[].field`, `body.target_partner_id`). */
const API_FIELDS: Record<string, RequestField> = { target_partner_id: "targetPartnerId", reason: "reason" };

function refusedAt(error: unknown): Partial<Record<RequestField, string>> {
  const problems: Partial<Record<RequestField, string>> = {};
  if (!(error instanceof ApiError)) return problems;
  for (const { field, message } of error.errors) {
    const at = API_FIELDS[field.replace(/^body\./, "")];
    if (at) problems[at] = problems[at] ? `${problems[at]} ${message}` : message;
  }
  return problems;
}

/**
 * "Change partner": a request to move to another partner (its ID and a reason) and the client's requests, newest
 * first, with their status, the partner's note and "Withdraw" while one is pending. While a request is pending or
 * accepted the list is asked again every few seconds; once a move completed, the partner and its permissions are
 * read again, so the page shows the new partner without a reload.
 */
export function ChangePartner({
  clientId,
  partner,
  readOnly,
}: {
  clientId: string;
  partner: PartnerPermissions["partner"];
  readOnly: boolean;
}) {
  const headingId = useId();
  const pages = useCursorPages();
  const changes = useChangeRequests(clientId, pages.cursor);
  const refresh = useRefreshPartner(clientId);
  const items = changes.data?.items;
  const moveId = pages.pageNumber === 1 ? unseenMove(partner?.partner_id, items)?.request_id : undefined;
  const refreshing = useRef(refresh);
  useEffect(() => {
    refreshing.current = refresh;
  });
  useEffect(() => {
    if (moveId) void refreshing.current();
  }, [moveId]);
  const open = pages.pageNumber === 1 ? items?.find(isOpen) : undefined;
  // the form goes once its request is open: what it sent is said here, beside it, while that request is open
  const [sent, setSent] = useState<Sent | undefined>();

  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>Change partner</h2>
      {readOnly ? (
        <p>Only the client&apos;s users ask to change partner; its requests are listed below.</p>
      ) : open ? (
        <p>
          Your request to move to {open.target_partner_name} is {open.status === "pending" ? "pending" : "accepted"}:
          one request at a time.{" "}
          {open.status === "pending"
            ? "Withdraw it to ask another partner."
            : "The move completes in a moment, with every number."}
        </p>
      ) : (
        <RequestForm clientId={clientId} hasPartner={partner !== null} onSent={setSent} />
      )}
      <p role="status">{sent && sent.requestId === open?.request_id ? sent.message : ""}</p>
      <h3>{readOnly ? "The client's requests" : "Your requests"}</h3>
      {changes.isPending ? <Loading>Loading the partner change requests…</Loading> : null}
      {changes.isError ? <ErrorMessage error={changes.error} title="The requests could not be loaded" /> : null}
      {changes.data ? (
        <>
          <RequestsTable
            clientId={clientId}
            requests={changes.data.items}
            readOnly={readOnly}
            busy={changes.isPlaceholderData}
          />
          {changes.data.next_cursor || pages.pageNumber > 1 ? (
            <PageButtons
              label="Pages of partner change requests"
              pages={pages}
              nextCursor={changes.data.next_cursor}
              busy={changes.isFetching}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function RequestForm({
  clientId,
  hasPartner,
  onSent,
}: {
  clientId: string;
  hasPartner: boolean;
  onSent: (sent: Sent | undefined) => void;
}) {
  const [draft, setDraft] = useState<RequestDraft>(EMPTY);
  const [problems, setProblems] = useState<Partial<Record<RequestField, string>>>({});
  const request = useRequestChange(clientId);
  const refused = refusedAt(request.error);
  const shown = (field: RequestField) => problems[field] ?? refused[field];

  function edit(change: Partial<RequestDraft>) {
    setDraft({ ...draft, ...change });
    setProblems({});
    onSent(undefined);
    if (request.isError) request.reset();
  }

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (request.isPending) return;
    const found = requestProblems(draft);
    setProblems(found);
    onSent(undefined);
    if (Object.keys(found).length > 0) return;
    // the promise, not mutate's callbacks: the form is gone by the time the request is listed as open
    request.mutateAsync({ target_partner_id: draft.targetPartnerId.trim(), reason: draft.reason.trim() }).then(
      (made) => {
        onSent({
          requestId: made.request_id,
          message:
            made.status === "pending"
              ? `Your request to move to ${made.target_partner_name} was sent: it accepts or declines it.`
              : `${made.target_partner_name} accepted at once: you move with every number in a moment.`,
        });
      },
      () => undefined,
    );
  }

  return (
    <Form className="form change-form" validationBehavior="aria" onSubmit={submit}>
      <p>
        {hasPartner
          ? "Ask another partner to take you on: once it accepts, you move to it with every number, and your present partner loses every permission you granted it."
          : "Ask a partner to take you on: once it accepts, it becomes your partner and you move to it with every number."}
      </p>
      <TextField
        value={draft.targetPartnerId}
        onChange={(targetPartnerId) => {
          edit({ targetPartnerId });
        }}
        isInvalid={shown("targetPartnerId") !== undefined}
        className="field"
      >
        <Label>Partner ID</Label>
        <Input autoComplete="off" spellCheck={false} />
        <Text slot="description">The ID the partner gave you, e.g. northwind.</Text>
        <FieldError className="field-error">{shown("targetPartnerId")}</FieldError>
      </TextField>
      <TextField
        value={draft.reason}
        onChange={(reason) => {
          edit({ reason });
        }}
        maxLength={REASON_MAX}
        isInvalid={shown("reason") !== undefined}
        className="field"
      >
        <Label>Reason</Label>
        <TextArea rows={3} />
        <Text slot="description">The partner reads it when it decides.</Text>
        <FieldError className="field-error">{shown("reason")}</FieldError>
      </TextField>
      {request.isError ? <ErrorMessage error={request.error} title="The request was not sent" /> : null}
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={request.isPending} busyLabel="Sending…">
          Request the change
        </BusyButton>
      </div>
    </Form>
  );
}

function RequestsTable({
  clientId,
  requests,
  readOnly,
  busy,
}: {
  clientId: string;
  requests: readonly ChangeRequest[];
  readOnly: boolean;
  busy: boolean;
}) {
  const captionId = useId();
  const withdraw = useWithdraw(clientId);
  return (
    <>
      <table className="table change-requests" aria-labelledby={captionId} aria-busy={busy}>
        <caption id={captionId} className="visually-hidden">
          Partner change requests
        </caption>
        <thead>
          <tr>
            <th scope="col">To partner</th>
            <th scope="col">Requested</th>
            <th scope="col">Reason</th>
            <th scope="col">Status</th>
            <th scope="col">Partner&apos;s note</th>
            {readOnly ? null : (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {requests.length === 0 ? (
            <tr>
              <td colSpan={readOnly ? 5 : 6}>No partner change requests yet.</td>
            </tr>
          ) : (
            requests.map((request) => (
              <tr key={request.request_id}>
                <th scope="row">
                  {request.target_partner_name}
                  <span className="muted small block">{request.target_partner_id}</span>
                </th>
                <RequestedCell request={request} />
                <td className="reason">{request.reason}</td>
                <td>
                  <ChangeStatusBadge request={request} reader="client" />
                  <span className="muted small block">{decidedWords(request)}</span>
                </td>
                <td>{request.decision_note ?? <span className="muted">—</span>}</td>
                {readOnly ? null : (
                  <td>
                    {request.status === "pending" ? (
                      <BusyButton
                        className="button"
                        isBusy={withdraw.isPending && withdraw.variables === request.request_id}
                        busyLabel="Withdrawing…"
                        onPress={() => {
                          withdraw.mutate(request.request_id);
                        }}
                      >
                        Withdraw<span className="visually-hidden"> the request to {request.target_partner_name}</span>
                      </BusyButton>
                    ) : null}
                  </td>
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {withdraw.isError ? <ErrorMessage error={withdraw.error} title="The request was not withdrawn" /> : null}
      <p role="status">{withdraw.isSuccess ? "The request was withdrawn." : ""}</p>
    </>
  );
}

/** When the request was decided or completed, and by whom, in a few words. */
function decidedWords(request: ChangeRequest): string {
  if (request.completed_at) return when(request.completed_at);
  if (request.decided_at) {
    const by = decidedBy(request);
    return by ? `${when(request.decided_at)} (${by})` : when(request.decided_at);
  }
  return "";
}
