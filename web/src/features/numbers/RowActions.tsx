import type { ReactNode } from "react";
import { Button } from "react-aria-components";

import { Link } from "../../lib/ui";
import type { NumberAction, PhoneNumber } from "./api";

/**
 * The actions of one number, as the API's `actions` say: an action the caller may not take is not offered as a live
 * control. Each action the portal implements has a renderer here; the ones still to come (cancel, withdraw,
 * activate_inbox, edit_display_name: the next phase of issue 12) render nothing rather than a dead button.
 */
const RENDERERS: Partial<
  Record<NumberAction["name"], (number: PhoneNumber, action: NumberAction, href: string) => ReactNode>
> = {
  manage: (number, action, href) =>
    action.available ? (
      <Link href={href} className="button">
        Manage<span className="visually-hidden"> {number.display_phone_number}</span>
      </Link>
    ) : null,
  signals: (number) => (
    <span className="coming-soon">
      <Button className="button" isDisabled aria-describedby={`signals-${number.number_id}`}>
        Signals
      </Button>
      <span id={`signals-${number.number_id}`} className="muted small">
        Coming soon
      </span>
    </span>
  ),
};

export function RowActions({ number, manageHref }: { number: PhoneNumber; manageHref: string }) {
  return (
    <div className="row-actions">
      {number.actions.map((action) => {
        const render = RENDERERS[action.name];
        return render ? <span key={action.name}>{render(number, action, manageHref)}</span> : null;
      })}
    </div>
  );
}
