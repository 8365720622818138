import { Link } from "../../lib/ui";
import { useMe } from "../accounts";
import { PARTNER_HOME } from "./paths";

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
