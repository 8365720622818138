import { Link } from "../../lib/ui";
import { useMe } from "../accounts";
import { useFunds } from "./api";
import { arrangementOf } from "./arrangement";
import { formatMoney } from "./money";
import "./billing.css";

/**
 * A number's word about its prepaid funds on its page, for a prepaid client's user: paused once depleted (outbound
 * messaging stops until a top-up lands), or running low. One request for every number (`GET /v1/billing/funds`,
 * shared with Funds and kept a while).
 */
export function FundsNotice({ numberId }: { numberId: string }) {
  const me = useMe();
  const arrangement = arrangementOf(me.data);
  const prepaid = arrangement.kind === "direct" && arrangement.prepaid;
  const funds = useFunds({ enabled: prepaid });
  const number = prepaid ? funds.data?.numbers.find((entry) => entry.number_id === numberId) : undefined;
  if (!number || (!number.paused && !number.low)) return null;
  const href = `/billing/funds?number_id=${encodeURIComponent(numberId)}`;
  const balance = formatMoney(number.balance, number.currency);
  return number.paused ? (
    <div className="notice notice-bad">
      <p>
        <strong>Funds depleted: outbound messaging is paused.</strong> The balance of this number is {balance}; it sends
        messages again once a top-up lands.
      </p>
      <p>
        <Link href={href}>Add funds</Link>
      </p>
    </div>
  ) : (
    <div className="notice notice-warning">
      <p>
        <strong>Funds are running low.</strong> The balance of this number is {balance}
        {number.auto_renewal.enabled ? "; auto-renewal tops it up." : ": add funds before messaging pauses."}
      </p>
      <p>
        <Link href={href}>Manage funds</Link>
      </p>
    </div>
  );
}
