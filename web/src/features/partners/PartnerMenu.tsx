import { Link } from "../../lib/ui";
import { useMe } from "../accounts";
import { PARTNER_CHANGES, PARTNER_HOME } from "./paths";

/** The menu bar's "Partner" item, a partner user's: its clients, settings and change requests. */
export function PartnerMenuItems() {
  const me = useMe();
  if (me.data?.role !== "partner") return null;
  return (
    <li>
      <Link href={PARTNER_HOME}>Partner</Link>
    </li>
  );
}

/** The menu bar's "Partner changes" item, a support agent's: every client's partner change requests. */
export function AgentPartnerMenuItems() {
  const me = useMe();
  if (me.data?.role !== "support") return null;
  return (
    <li>
      <Link href={PARTNER_CHANGES}>Partner changes</Link>
    </li>
  );
}
