import { useEffect, useRef, useState, type SyntheticEvent } from "react";
import { Button, FieldError, Form, Input, Label, Text, TextField } from "react-aria-components";

import { ApiError } from "../../lib/api";
import { BusyButton, ErrorMessage, Loading } from "../../lib/ui";
import { useMe, type Me } from "../accounts";
import { useRequestDisplayName, type DisplayName, type DisplayNameRequest, type PhoneNumber } from "./api";
import { dateTime, nameStatus, REQUEST_STATUSES } from "./wording";

/** Who may change a client's display names (`x-hub-access` of `POST …/display-name`): its users, and partners it
 * granted `display_name:write`; support agents may not. Whether it can change now, the API says (`edit`). */
function mayChangeNames(me: Me, clientId: string): boolean {
  if (me.role === "client") return true;
  if (me.role === "partner") {
    return (me.grants ?? []).some(
      (grant) => grant.client_id === clientId && grant.scopes.includes("display_name:write"),
    );
  }
  return false;
}

/**
 * The number's display name (seed, "How to change a Display Name"): the name and Meta's status of it, the request
 * under review, the changes left, the recent requests; "Edit" → "Display name" → "Save". While a request is under
 * review there is no Edit, and the section says why (seed, "Edit icon not available").
 */
export function DisplayNameSection({
  number,
  view,
  clientId,
}: {
  number: PhoneNumber;
  view: DisplayName;
  clientId: string;
}) {
  const me = useMe();
  const [editing, setEditing] = useState(false);
  const [submitted, setSubmitted] = useState<DisplayNameRequest | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const outcome = useRef<HTMLDivElement>(null);
  // a cancelled edit puts the keyboard user back on Edit
  const backToEdit = useRef(false);
  useEffect(() => {
    if (!editing && backToEdit.current) editButton.current?.focus();
    backToEdit.current = false;
  }, [editing]);
  const mayChange = me.data ? mayChangeNames(me.data, clientId) : false;

  return (
    <section aria-labelledby="display-name-heading" className="card">
      <h2 id="display-name-heading">Display name</h2>
      <dl className="fields">
        <div className="field-row">
          <dt>Current name</dt>
          <dd>
            {view.display_name ?? "Not set"}
            {view.name_status ? <span className="muted"> ({nameStatus(view.name_status)})</span> : null}
          </dd>
        </div>
        {view.pending ? (
          <div className="field-row">
            <dt>Under review</dt>
            <dd>
              “{view.pending.display_name}” ({REQUEST_STATUSES[view.pending.status]}), asked{" "}
              {dateTime(view.pending.submitted_at)}
            </dd>
          </div>
        ) : null}
        <div className="field-row">
          <dt>Changes left</dt>
          <dd>
            {view.changes_remaining} of {view.changes_used + view.changes_remaining} in 30 days (Meta&apos;s limit)
          </dd>
        </div>
      </dl>

      <div ref={outcome} tabIndex={-1} role="status" aria-label="Your change" className="outcome">
        {submitted ? <Outcome submitted={submitted} view={view} /> : null}
      </div>

      {mayChange && editing ? (
        <EditForm
          number={number}
          current={view.display_name}
          onSaved={(request) => {
            setSubmitted(request);
            setEditing(false);
            outcome.current?.focus();
          }}
          onCancel={() => {
            backToEdit.current = true;
            setEditing(false);
          }}
        />
      ) : null}
      {mayChange && !editing && view.edit.available ? (
        <Button
          className="button"
          ref={editButton}
          onPress={() => {
            setSubmitted(null);
            setEditing(true);
          }}
        >
          Edit<span className="visually-hidden"> display name</span>
        </Button>
      ) : null}
      {mayChange && !view.edit.available && view.edit.reason ? (
        <div className="notice">
          <p>{view.edit.reason}</p>
          {view.pending ? (
            <p>
              Meta reviews display names within 24 hours; Edit comes back here once it has decided. This page updates by
              itself.
            </p>
          ) : null}
        </div>
      ) : null}

      {view.history.length > 0 ? <History requests={view.history} /> : null}
    </section>
  );
}

/** What came of the request just saved: received for review, then Meta's decision once it arrives. */
function Outcome({ submitted, view }: { submitted: DisplayNameRequest; view: DisplayName }) {
  const latest = view.history.find((request) => request.request_id === submitted.request_id) ?? submitted;
  const name = `“${latest.display_name}”`;
  switch (latest.status) {
    case "submitting":
      return (
        <p className="notice">
          Saved: {name} is recorded, but Meta has not confirmed it yet; the hub keeps sending it. This page shows
          Meta&apos;s decision when it arrives.
        </p>
      );
    case "pending_review":
    case "deferred":
      return (
        <p className="notice">
          Saved: Meta received {name} for review. Reviews take up to 24 hours; the number takes the new name as soon as
          Meta approves it, and this page shows it by itself.
        </p>
      );
    case "approved":
      return <p className="notice">Meta approved {name}: it is the number&apos;s display name now.</p>;
    case "rejected":
      return (
        <p className="notice">
          Meta rejected {name}
          {latest.rejection_reason ? ` (${latest.rejection_reason})` : ""}. Check Meta&apos;s display name guidelines
          and ask for another name.
        </p>
      );
    case "expired":
    case "failed":
      return (
        <p className="notice">
          {name} was not changed: {latest.failure ?? REQUEST_STATUSES[latest.status]}
        </p>
      );
  }
}

function EditForm({
  number,
  current,
  onSaved,
  onCancel,
}: {
  number: PhoneNumber;
  current: string | null | undefined;
  onSaved: (request: DisplayNameRequest) => void;
  onCancel: () => void;
}) {
  const save = useRequestDisplayName(number.number_id);
  const [value, setValue] = useState(current ?? "");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors("display_name") : [];

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!save.isPending) save.mutate(value, { onSuccess: onSaved });
  }

  return (
    <Form
      onSubmit={submit}
      className="form"
      aria-label="Change the display name"
      validationErrors={fieldErrors.length > 0 ? { display_name: fieldErrors } : {}}
    >
      <TextField name="display_name" value={value} onChange={setValue} isRequired className="field">
        <Label>Display name</Label>
        <Text slot="description">
          2 to 75 characters, naming the business; no web addresses, not in capitals throughout, without “WhatsApp”.
          Meta reviews every change, and allows 10 in 30 days.
        </Text>
        <Input ref={input} />
        <FieldError className="field-error" />
      </TextField>
      {save.isError && fieldErrors.length === 0 ? (
        <ErrorMessage error={save.error} title="The display name could not be changed" />
      ) : null}
      {save.isPending ? <Loading>Sending the name to Meta; this can take up to 10 seconds…</Loading> : null}
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={save.isPending} busyLabel="Saving…">
          Save
        </BusyButton>
        <Button className="button" onPress={onCancel} isDisabled={save.isPending}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}

function History({ requests }: { requests: DisplayNameRequest[] }) {
  return (
    <table className="table history">
      <caption>Recent requests</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Asked</th>
          <th scope="col">Decided</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((request) => (
          <tr key={request.request_id}>
            <th scope="row">{request.display_name}</th>
            <td>{REQUEST_STATUSES[request.status]}</td>
            <td>{dateTime(request.submitted_at)}</td>
            <td>{request.decided_at ? dateTime(request.decided_at) : "—"}</td>
            <td>{request.rejection_reason ?? request.failure ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
