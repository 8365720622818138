import { useDeferredValue, useState } from "react";
import { Button, Input, Label, SearchField, Text } from "react-aria-components";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useClients, useMe, type ClientEntry } from "./api";

/** Partners and support agents choose the client they act for; the choice goes into the URL (/clients/<id>/…). */
export function ClientPickerPage() {
  const me = useMe();
  useDocumentTitle("Choose a client");
  if (me.isPending) return <Loading>Loading your clients…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  const { data } = me;
  const scopes = new Map((data.grants ?? []).map((grant) => [grant.client_id, grant.scopes]));

  return (
    <>
      <h1>Choose a client</h1>
      {data.role === "partner" ? (
        <ClientSearch
          intro="The clients that granted your company permissions. Pick one to act for it."
          empty="No client has granted your company any permission yet. Ask your clients to grant them in their Settings."
          describe={(client) => `granted: ${scopes.get(client.client_id)?.join(", ") ?? "nothing"}`}
        />
      ) : null}
      {data.role === "support" ? (
        <ClientSearch
          intro="Support agents may act for any client. Search by the client's name or type its ID."
          empty="No client matches."
          describe={(client) => (client.billing_model === "direct" ? "direct" : `partner: ${client.partner_id ?? "—"}`)}
        />
      ) : null}
      {data.role === "client" ? (
        <p>
          You act for your own client. <Link href="/numbers">Go to your numbers</Link>.
        </p>
      ) : null}
    </>
  );
}

interface ClientSearchProps {
  intro: string;
  empty: string;
  describe: (client: ClientEntry) => string;
}

/** A search field over `GET /v1/clients` and the clients it finds, each a link that acts for that client. */
function ClientSearch({ intro, empty, describe }: ClientSearchProps) {
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search);
  const clients = useClients(deferred);
  const found = clients.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="client-search-intro">
      <p id="client-search-intro">{intro}</p>
      <SearchField value={search} onChange={setSearch} className="field search-field">
        <Label>Find a client</Label>
        <Input />
        <Text slot="description">A name (its first letters) or a client ID, e.g. acme.</Text>
      </SearchField>
      {clients.isPending ? <Loading>Searching clients…</Loading> : null}
      {clients.isError ? <ErrorMessage error={clients.error} /> : null}
      {clients.isSuccess ? (
        <>
          <p role="status" className="muted">
            {found.length === 0
              ? search.trim()
                ? `No client matches “${search.trim()}”.`
                : empty
              : `${String(found.length)}${clients.hasNextPage ? "+" : ""} ${found.length === 1 ? "client" : "clients"}`}
          </p>
          {found.length > 0 ? (
            <ul className="client-list" aria-label="Clients">
              {found.map((client) => (
                <li key={client.client_id}>
                  <Link href={`/clients/${encodeURIComponent(client.client_id)}/numbers`}>{client.name}</Link>
                  <span className="muted">
                    {" "}
                    ({client.client_id}) — {describe(client)}
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
          {clients.hasNextPage ? (
            <Button
              className="button"
              isDisabled={clients.isFetchingNextPage}
              onPress={() => void clients.fetchNextPage()}
            >
              {clients.isFetchingNextPage ? "Loading…" : "More clients"}
            </Button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
