import { useState } from "react";
import { Button } from "react-aria-components";

import { Link } from "../../lib/ui";
import type { NumberAction, PhoneNumber } from "./api";
import { CancelSubscription, WithdrawCancellation } from "./CancelSubscription";
import { InboxAction } from "./InboxAction";

type LastDone = "cancelled" | "withdrawn" | null;

/**
 * The actions of one number, as the API's `actions` say: an action the caller may not take is not offered as a live
 * control (partners and support agents never see Cancel subscription). Editing the display name lives on the
 * number's page (Manage).
 */
export function RowActions({ number, manageHref }: { number: PhoneNumber; manageHref: string }) {
  // after a cancellation the row offers its withdrawal (and the other way round): focus follows to the new control
  const [lastDone, setLastDone] = useState<LastDone>(null);
  return (
    <div className="row-actions">
      {number.actions.map((action) => (
        <Action
          key={action.name}
          number={number}
          action={action}
          manageHref={manageHref}
          lastDone={lastDone}
          setLastDone={setLastDone}
        />
      ))}
    </div>
  );
}

function Action({
  number,
  action,
  manageHref,
  lastDone,
  setLastDone,
}: {
  number: PhoneNumber;
  action: NumberAction;
  manageHref: string;
  lastDone: LastDone;
  setLastDone: (done: LastDone) => void;
}) {
  switch (action.name) {
    case "manage":
      return action.available ? (
        <Link href={manageHref} className="button">
          Manage<span className="visually-hidden"> {number.display_phone_number}</span>
        </Link>
      ) : null;
    case "cancel":
      return action.available ? (
        <CancelSubscription
          number={number}
          focusOnMount={lastDone === "withdrawn"}
          onCancelled={() => {
            setLastDone("cancelled");
          }}
        />
      ) : null;
    case "withdraw_cancellation":
      return action.available ? (
        <WithdrawCancellation
          number={number}
          focusOnMount={lastDone === "cancelled"}
          onWithdrawn={() => {
            setLastDone("withdrawn");
          }}
        />
      ) : null;
    case "activate_inbox":
      return <InboxAction number={number} action={action} />;
    case "signals":
      return (
        <span className="coming-soon">
          <Button className="button" isDisabled aria-describedby={`signals-${number.number_id}`}>
            Signals
          </Button>
          <span id={`signals-${number.number_id}`} className="muted small">
            Coming soon
          </span>
        </span>
      );
    case "edit_display_name":
      return null;
  }
}
