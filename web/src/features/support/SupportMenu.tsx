import { useMatch } from "react-router";

import { Link } from "../../lib/ui";
import { useMe } from "../accounts";
import { mayUseSupport } from "./api";
import { QUEUE, supportBase } from "./paths";

/**
 * The menu bar's Support items (seed, "Support" tab and "Menu > Support"): a client user's Support; within a client,
 * a support agent's and a partner's granted `tickets:write`; and for support agents the queue of every client's
 * tickets.
 */
export function SupportMenuItems() {
  const me = useMe();
  const acting = useMatch("/clients/:clientId/*")?.params.clientId;
  if (!me.data) return null;
  const clientId = me.data.role === "client" ? undefined : acting;
  return (
    <>
      {mayUseSupport(me.data, clientId) ? (
        <li>
          <Link href={supportBase(clientId)}>Support</Link>
        </li>
      ) : null}
      {me.data.role === "support" ? (
        <li>
          <Link href={QUEUE}>Support queue</Link>
        </li>
      ) : null}
    </>
  );
}
