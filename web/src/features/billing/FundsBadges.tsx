import { Explained } from "../../lib/ui";
import type { Funds } from "./api";
import { formatMoney } from "./money";

/** A number's state of funds: Paused (at zero or below), Low (at or below the threshold), or fine. */
export function FundsBadges({ funds }: { funds: Funds }) {
  if (funds.paused) {
    return (
      <>
        <Explained className="pill tone-bad" explanation="Outbound messaging is paused until a top-up lands.">
          Paused
        </Explained>
        <span className="small block">Outbound messaging is paused until a top-up lands.</span>
      </>
    );
  }
  return (
    <>
      {funds.low ? (
        <Explained
          className="pill tone-warning"
          explanation={`The balance is at or below the threshold of ${formatMoney(funds.auto_renewal.threshold, funds.currency)}.`}
        >
          Low
        </Explained>
      ) : (
        <span className="pill tone-good">Active</span>
      )}
      {funds.renewal_pending ? <span className="pill tone-info">Renewal pending</span> : null}
    </>
  );
}

/** "On: €50.00 at €10.00 or less" / "Off". */
export function renewalSummary(funds: Funds): string {
  const { enabled, amount, threshold } = funds.auto_renewal;
  return enabled
    ? `On: ${formatMoney(amount, funds.currency)} at ${formatMoney(threshold, funds.currency)} or less`
    : "Off";
}
