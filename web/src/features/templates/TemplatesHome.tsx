import { Navigate, useParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useClientWabas } from "./api";
import { templatesBase } from "./paths";

/**
 * The menu's Templates: a client's templates live in its WhatsApp Business Accounts, so this is the WABAs its numbers
 * are on, each opening its Templates (the only one at once).
 */
export function TemplatesHome() {
  const { clientId } = useParams();
  const wabas = useClientWabas(clientId);
  useDocumentTitle("Templates");
  if (wabas.isPending) return <Loading>Loading your WhatsApp Business Accounts…</Loading>;
  if (wabas.isError) return <ErrorMessage error={wabas.error} title="The accounts could not be loaded" />;
  const only = wabas.data.length === 1 ? wabas.data[0] : undefined;
  if (only) return <Navigate to={templatesBase(clientId, only.wabaId)} replace />;
  return (
    <>
      <h1>Templates</h1>
      {wabas.data.length === 0 ? (
        <p>There are no WhatsApp Business Accounts yet: add a number first.</p>
      ) : (
        <>
          <p>Templates belong to a WhatsApp Business Account. Choose one:</p>
          <ul className="client-list">
            {wabas.data.map(({ wabaId, phones }) => (
              <li key={wabaId}>
                <Link href={templatesBase(clientId, wabaId)}>WhatsApp Business Account {wabaId}</Link>
                <span className="muted small block">{phones.join(", ")}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
