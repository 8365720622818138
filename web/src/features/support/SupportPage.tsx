import { useParams } from "react-router";

import { Link, useDocumentTitle } from "../../lib/ui";
import { SupportGate } from "./Gate";
import { supportBase } from "./paths";
import { filtersKey, TicketFilterBar, TicketsTable, useTicketFilters } from "./TicketsList";
import "./support.css";

/**
 * Support (seed, "Support": the client accesses and manages its tickets with the Support Team): the client's tickets,
 * newest activity first, with their status in words, category, priority, last activity and how long support took to
 * answer first; filters by status and category; "New ticket". For a client user its own; for a partner granted
 * `tickets:write` or a support agent, the client's in the URL.
 */
export function SupportPage() {
  const { clientId } = useParams();
  const [filters, setFilters] = useTicketFilters();
  useDocumentTitle(clientId ? `Support of ${clientId}` : "Support");
  const base = supportBase(clientId);
  return (
    <SupportGate clientId={clientId}>
      {(_, viewer) => (
        <>
          <div className="page-heading">
            <h1>Support</h1>
            {clientId ? <p className="muted">Client {clientId}</p> : null}
            <div className="page-actions">
              <Link href={`${base}/new`} className="button primary">
                New ticket
              </Link>
            </div>
          </div>
          <p>
            {clientId ? "The client's" : "Your"} tickets with the Support Team, the latest activity first. Open one to
            read the conversation, answer, add files or close it.
          </p>
          <TicketFilterBar filters={filters} onChange={setFilters} viewer={viewer} queue={false} />
          <TicketsTable
            key={filtersKey(filters)}
            filters={{ ...filters, client: clientId ?? "" }}
            viewer={viewer}
            base={base}
            queue={false}
            caption={clientId ? `Support tickets of client ${clientId}` : "Your support tickets"}
          />
        </>
      )}
    </SupportGate>
  );
}
