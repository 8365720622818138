import { useEffect, useRef } from "react";

import { BusyButton, ErrorMessage, ExternalLink } from "../../lib/ui";
import { useActivateInbox, useInbox, type NumberAction, type PhoneNumber } from "./api";

/**
 * Activate Inbox (seed: direct clients only; the API offers the action only on their numbers). While the API says
 * the inbox cannot be activated (already active, or the number is not running), the inbox is looked up: an active
 * one shows as the link that opens it.
 */
export function InboxAction({ number, action }: { number: PhoneNumber; action: NumberAction }) {
  const activate = useActivateInbox(number.number_id);
  const recorded = useInbox(number.number_id, !action.available);
  const inbox = activate.data ?? recorded.data;
  const link = useRef<HTMLAnchorElement>(null);
  const activated = activate.isSuccess;
  useEffect(() => {
    if (activated) link.current?.focus(); // the button pressed is gone: the keyboard user lands on its result
  }, [activated]);
  const phone = number.display_phone_number;

  if (inbox?.status === "active" && inbox.url) {
    return (
      <ExternalLink href={inbox.url} className="button" ref={link}>
        Open inbox<span className="visually-hidden"> of {phone}</span>
      </ExternalLink>
    );
  }
  if (inbox?.status === "provisioning") return <span className="muted small">Inbox being activated…</span>;
  if (!action.available) return null;
  return (
    <span className="inline-action">
      <BusyButton
        className="button"
        isBusy={activate.isPending}
        busyLabel="Activating inbox…"
        onPress={() => {
          activate.mutate();
        }}
      >
        Activate inbox<span className="visually-hidden"> of {phone}</span>
      </BusyButton>
      {activate.isError ? <ErrorMessage error={activate.error} title="The inbox could not be activated" /> : null}
    </span>
  );
}
