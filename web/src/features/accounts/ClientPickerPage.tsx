import { useState, type SyntheticEvent } from "react";
import { Button, FieldError, Form, Input, Label, Text, TextField } from "react-aria-components";
import { useNavigate } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "./api";

const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Partners and support agents choose the client they act for; the choice goes into the URL (/clients/<id>/…). */
export function ClientPickerPage() {
  const me = useMe();
  useDocumentTitle("Choose a client");
  if (me.isPending) return <Loading>Loading your clients…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  const { data } = me;

  return (
    <>
      <h1>Choose a client</h1>
      {data.role === "partner" ? <PartnerClients grants={data.grants ?? []} /> : null}
      {data.role === "support" ? <SupportClientSearch /> : null}
      {data.role === "client" ? (
        <p>
          You act for your own client. <Link href="/numbers">Go to your numbers</Link>.
        </p>
      ) : null}
    </>
  );
}

function PartnerClients({ grants }: { grants: { client_id: string; scopes: string[] }[] }) {
  if (grants.length === 0) {
    return (
      <p>No client has granted your company any permission yet. Ask your clients to grant them in their Settings.</p>
    );
  }
  return (
    <>
      <p id="partner-clients-intro">The clients that granted your company permissions. Pick one to act for it.</p>
      <ul className="client-list" aria-labelledby="partner-clients-intro">
        {grants.map((grant) => (
          <li key={grant.client_id}>
            <Link href={`/clients/${encodeURIComponent(grant.client_id)}/numbers`}>{grant.client_id}</Link>
            <span className="muted"> — granted: {grant.scopes.join(", ") || "nothing"}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function SupportClientSearch() {
  const navigate = useNavigate();
  const [clientId, setClientId] = useState("");

  function open(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const id = clientId.trim();
    if (CLIENT_ID.test(id)) void navigate(`/clients/${encodeURIComponent(id)}/numbers`);
  }

  return (
    <Form onSubmit={open} className="form inline-form" aria-label="Find a client">
      <TextField
        name="client_id"
        value={clientId}
        onChange={setClientId}
        isRequired
        validate={(value) =>
          value.trim() === "" || CLIENT_ID.test(value.trim())
            ? null
            : "A client ID has letters, digits, - and _ only (at most 64)."
        }
        className="field"
      >
        <Label>Client ID</Label>
        <Text slot="description">Support agents may act for any client: type its ID, e.g. acme.</Text>
        <Input />
        <FieldError className="field-error" />
      </TextField>
      <Button type="submit" className="button primary">
        Open client
      </Button>
    </Form>
  );
}
