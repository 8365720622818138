import { useId, useState } from "react";
import { SwitchButton, SwitchField, Text } from "react-aria-components";

import { BusyButton, ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import {
  useExportClients,
  usePartnerClients,
  usePartnerSettings,
  useSavePartnerSettings,
  type PartnerClient,
  type PartnerSettings,
} from "./api";
import { saveFile } from "./download";
import { PartnerGate, PartnerNav } from "./Gate";
import { clientHref, PARTNER_REQUESTS } from "./paths";
import { when } from "./wording";
import "./partners.css";

const EXPORT_NAME = "clients.csv";

/**
 * A partner's own page (the menu's "Partner"): the clients that work with it and what each granted, "Export CSV" (its
 * clients with their numbers), and its settings: whether change requests addressed to it are accepted at once.
 */
export function PartnerHomePage() {
  useDocumentTitle("Partner");
  return (
    <PartnerGate title="Partner">
      {() => (
        <>
          <PartnerHeading />
          <PartnerNav current="home" />
          <Clients />
          <Settings />
        </>
      )}
    </PartnerGate>
  );
}

/** The partner's name as the page's heading, once known. */
export function PartnerHeading() {
  const settings = usePartnerSettings();
  return (
    <div className="page-heading">
      <h1>Partner</h1>
      {settings.data ? (
        <p className="muted">
          {settings.data.name} ({settings.data.partner_id})
        </p>
      ) : null}
    </div>
  );
}

function Clients() {
  const headingId = useId();
  const clients = usePartnerClients();
  const [exported, setExported] = useState<string | undefined>();
  const download = useExportClients((file) => {
    saveFile(file, EXPORT_NAME);
    setExported(`${EXPORT_NAME} was downloaded.`);
  });
  return (
    <section aria-labelledby={headingId} className="card">
      <div className="section-heading">
        <h2 id={headingId}>Your clients</h2>
        <BusyButton
          className="button"
          isBusy={download.isPending}
          busyLabel="Exporting…"
          onPress={() => {
            setExported(undefined);
            download.mutate();
          }}
        >
          Export CSV
        </BusyButton>
      </div>
      <p>
        The clients that work with your company and what each granted it. A client grants permissions in its Settings;
        act for one through its name. The CSV has each client with its numbers (of those that granted numbers:read).
      </p>
      {download.isError ? <ErrorMessage error={download.error} title="The clients could not be exported" /> : null}
      <p role="status">{exported}</p>
      {clients.isPending ? <Loading>Loading your clients…</Loading> : null}
      {clients.isError ? <ErrorMessage error={clients.error} title="Your clients could not be loaded" /> : null}
      {clients.data ? <ClientsTable clients={clients.data.items} /> : null}
    </section>
  );
}

function ClientsTable({ clients }: { clients: readonly PartnerClient[] }) {
  const captionId = useId();
  return (
    <table className="table partner-clients" aria-labelledby={captionId}>
      <caption id={captionId} className="visually-hidden">
        Your clients
      </caption>
      <thead>
        <tr>
          <th scope="col">Client</th>
          <th scope="col">Billing</th>
          <th scope="col">Permissions granted</th>
          <th scope="col">Granted</th>
        </tr>
      </thead>
      <tbody>
        {clients.length === 0 ? (
          <tr>
            <td colSpan={4}>
              No client works with your company yet. Clients ask to move to you in{" "}
              <Link href={PARTNER_REQUESTS}>Change requests</Link>.
            </td>
          </tr>
        ) : (
          clients.map((client) => (
            <tr key={client.client_id}>
              <th scope="row">
                {client.scopes.length > 0 ? (
                  <Link href={clientHref(client.client_id)}>{client.name}</Link>
                ) : (
                  client.name
                )}
                <span className="muted small block">{client.client_id}</span>
              </th>
              <td>{client.billing_model === "partner" ? "Through you" : "Direct"}</td>
              <td>
                {client.scopes.length > 0 ? (
                  <ul className="scope-list">
                    {client.scopes.map((scope) => (
                      <li key={scope}>
                        <code>{scope}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">Nothing granted</span>
                )}
              </td>
              <td>{when(client.granted_at)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function Settings() {
  const headingId = useId();
  const settings = usePartnerSettings();
  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>Settings</h2>
      {settings.isPending ? <Loading>Loading your settings…</Loading> : null}
      {settings.isError ? <ErrorMessage error={settings.error} title="Your settings could not be loaded" /> : null}
      {settings.data ? <AutoApproval settings={settings.data} /> : null}
    </section>
  );
}

/** The auto-approval switch: each change is saved at once (`PUT /v1/partner/settings`). */
function AutoApproval({ settings }: { settings: PartnerSettings }) {
  const save = useSavePartnerSettings();
  const on = save.isPending ? save.variables : settings.auto_approve;
  return (
    <>
      <SwitchField
        isSelected={on}
        isReadOnly={save.isPending}
        onChange={(next) => {
          save.mutate(next);
        }}
        className="scope-switch"
      >
        <SwitchButton className="switch">Accept change requests automatically</SwitchButton>
        <Text slot="description" className="small muted">
          On: a client&apos;s request to move to you is accepted at once, and the client moves with its numbers. Off:
          you accept or decline each one in Change requests.
        </Text>
      </SwitchField>
      {save.isError ? <ErrorMessage error={save.error} title="The setting was not saved" /> : null}
      <p role="status">
        {save.isSuccess
          ? save.data.auto_approve
            ? "Auto-approval is on: requests are accepted at once."
            : "Auto-approval is off: you decide each request."
          : ""}
      </p>
    </>
  );
}
