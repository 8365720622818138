import { useEffect, useRef, useState } from "react";
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from "react-aria-components";

import { BusyButton, ErrorMessage } from "../../lib/ui";
import { useCancelNumber, useWithdrawCancellation, type PhoneNumber } from "./api";
import { deletionDateIfCancelledNow, utcDate } from "./wording";

/**
 * Cancel Subscription (seed, "Cancel Subscription"): a confirmation that states the deletion date and what
 * cancelling means, then `POST …/cancellation`. `focusOnMount`: the row's last action was a withdrawal, so the
 * keyboard user lands on this button again.
 */
export function CancelSubscription({
  number,
  focusOnMount,
  onCancelled,
}: {
  number: PhoneNumber;
  focusOnMount: boolean;
  onCancelled: () => void;
}) {
  const cancel = useCancelNumber(number.number_id);
  const trigger = useFocusOnMount<HTMLButtonElement>(focusOnMount);
  const phone = number.display_phone_number;
  const [openedAt, setOpenedAt] = useState(() => new Date());

  return (
    <DialogTrigger
      onOpenChange={(open) => {
        if (open) setOpenedAt(new Date());
        else cancel.reset();
      }}
    >
      <Button className="button" ref={trigger}>
        Cancel subscription<span className="visually-hidden"> of {phone}</span>
      </Button>
      <ModalOverlay
        className="modal-overlay"
        isDismissable={!cancel.isPending}
        isKeyboardDismissDisabled={cancel.isPending}
      >
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">Cancel the subscription of {phone}?</Heading>
                <p>
                  The number will be deleted on <strong>{deletionDateIfCancelledNow(openedAt)}</strong> (UTC), at the
                  end of this month.
                </p>
                <ul>
                  <li>Until then it keeps sending and receiving messages as normal.</li>
                  <li>Billing for the number stops when it is deleted.</li>
                  <li>
                    The deletion is permanent: the number can no longer send or receive messages through the WhatsApp
                    Business API.
                  </li>
                </ul>
                <p>You can withdraw the cancellation until the number is deleted.</p>
                {cancel.isError ? (
                  <ErrorMessage error={cancel.error} title="The subscription could not be cancelled" />
                ) : null}
                <div className="dialog-actions">
                  <Button className="button" onPress={close} isDisabled={cancel.isPending}>
                    Keep the subscription
                  </Button>
                  <BusyButton
                    className="button danger"
                    isBusy={cancel.isPending}
                    busyLabel="Cancelling…"
                    onPress={() => {
                      cancel.mutate(undefined, {
                        onSuccess: () => {
                          close();
                          onCancelled();
                        },
                      });
                    }}
                  >
                    Confirm cancellation
                  </BusyButton>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/** Withdraw a cancellation (`DELETE …/cancellation`), right away: it only undoes the cancellation. */
export function WithdrawCancellation({
  number,
  focusOnMount,
  onWithdrawn,
}: {
  number: PhoneNumber;
  focusOnMount: boolean;
  onWithdrawn: () => void;
}) {
  const withdraw = useWithdrawCancellation(number.number_id, onWithdrawn);
  const button = useFocusOnMount<HTMLButtonElement>(focusOnMount);
  const descriptionId = `deletion-${number.number_id}`;

  return (
    <span className="inline-action">
      <BusyButton
        className="button"
        ref={button}
        isBusy={withdraw.isPending}
        busyLabel="Withdrawing…"
        {...(number.deletion_at ? { "aria-describedby": descriptionId } : {})}
        onPress={() => {
          withdraw.mutate();
        }}
      >
        Withdraw cancellation<span className="visually-hidden"> of {number.display_phone_number}</span>
      </BusyButton>
      {number.deletion_at ? (
        <span id={descriptionId} className="visually-hidden">
          Cancelled: deleted on {utcDate(number.deletion_at)} (UTC).
        </span>
      ) : null}
      {withdraw.isError ? (
        <ErrorMessage error={withdraw.error} title="The cancellation could not be withdrawn" />
      ) : null}
    </span>
  );
}

/** A ref that focuses its element once it is mounted, when asked to (the control that replaced the one pressed). */
function useFocusOnMount<T extends HTMLElement>(focus: boolean) {
  const ref = useRef<T>(null);
  const asked = useRef(focus);
  useEffect(() => {
    if (asked.current) ref.current?.focus();
  }, []);
  return ref;
}
