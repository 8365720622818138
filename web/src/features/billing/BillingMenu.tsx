import { useEffect, useRef } from "react";
import { Button, Dialog, DialogTrigger, Heading, Popover } from "react-aria-components";

import { BusyButton, ErrorMessage, Link } from "../../lib/ui";
import { useMe } from "../accounts";
import { useOpenPortal } from "./api";
import { arrangementOf } from "./arrangement";
import { ThroughPartner } from "./ThroughPartner";
import "./billing.css";

/**
 * The menu bar's billing items, a client user's only (seed, "Menu > Billing Options"): a direct client's Funds (with
 * pre-payment), Invoices, and Billing, which opens Stripe's billing portal; a partner-paid client's Billing says
 * that billing is with its partner.
 */
export function BillingMenuItems() {
  const me = useMe();
  const arrangement = arrangementOf(me.data);
  switch (arrangement.kind) {
    case "none":
      return null;
    case "partner":
      return (
        <li>
          <PartnerBilling partnerId={arrangement.partnerId} />
        </li>
      );
    case "direct":
      return (
        <>
          {arrangement.prepaid ? (
            <li>
              <Link href="/billing/funds">Funds</Link>
            </li>
          ) : null}
          <li>
            <Link href="/billing/invoices">Invoices</Link>
          </li>
          <li>
            <PortalButton />
          </li>
        </>
      );
  }
}

/**
 * Billing: asks the hub for a billing portal session and goes there in this tab; busy until the browser has left,
 * a refusal shown beside the item. Back from the portal through the browser's history, it is ready again.
 */
function PortalButton() {
  const portal = useOpenPortal();
  const trigger = useRef<HTMLButtonElement>(null);
  const { reset } = portal;
  useEffect(() => {
    const restored = (event: PageTransitionEvent) => {
      if (event.persisted) reset();
    };
    window.addEventListener("pageshow", restored);
    return () => {
      window.removeEventListener("pageshow", restored);
    };
  }, [reset]);
  return (
    <>
      <BusyButton
        ref={trigger}
        className="menu-button"
        isBusy={portal.isPending || portal.isSuccess}
        busyLabel="Opening billing…"
        onPress={() => {
          portal.mutate();
        }}
      >
        Billing
      </BusyButton>
      <Popover
        triggerRef={trigger}
        isOpen={portal.isError}
        onOpenChange={(open) => {
          if (!open) reset();
        }}
        placement="bottom"
        className="popover"
      >
        <Dialog className="dialog" aria-label="Billing could not be opened">
          <ErrorMessage error={portal.error} title="The billing portal could not be opened" />
        </Dialog>
      </Popover>
    </>
  );
}

function PartnerBilling({ partnerId }: { partnerId: string | null }) {
  return (
    <DialogTrigger>
      <Button className="menu-button">Billing</Button>
      <Popover placement="bottom" className="popover">
        <Dialog className="dialog">
          <Heading slot="title">Billing</Heading>
          <ThroughPartner partnerId={partnerId} />
        </Dialog>
      </Popover>
    </DialogTrigger>
  );
}
