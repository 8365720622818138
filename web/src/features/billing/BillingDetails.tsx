import type { ReactNode } from "react";

import { ErrorMessage } from "../../lib/ui";
import { useMe } from "../accounts";
import { useBilling, type Billing } from "./api";
import { formatMoney } from "./money";

/**
 * The billing rows of the WABA Manager's Details (seed, "Details": the Billing Started date, below it the plan), for a
 * client user (`GET /v1/billing`): a direct client's start date, plan and numbers billed; a partner-paid client's
 * word that its partner bills it. Rows of the Details' description list; nothing for partners and support agents.
 */
export function BillingDetails() {
  const me = useMe();
  const isClient = me.data?.role === "client";
  const billing = useBilling(isClient);
  if (!isClient) return null;
  if (billing.isPending) return <Row name="Billing">Loading billing…</Row>;
  if (billing.isError) {
    return (
      <Row name="Billing">
        <ErrorMessage error={billing.error} title="Billing could not be loaded" />
      </Row>
    );
  }
  if (billing.data.billing_model === "partner") return <Row name="Billing">Billed through your partner</Row>;
  return <DirectBilling billing={billing.data} />;
}

function DirectBilling({ billing }: { billing: Billing }) {
  const { plan } = billing;
  return (
    <>
      <Row name="Billing started">
        {billing.billing_started_at ? utcDay(billing.billing_started_at) : "Not yet: it starts with your first number"}
      </Row>
      <Row name="Plan">
        {plan
          ? `${plan.name}: ${formatMoney(plan.unit_amount, plan.currency)} per number a ${plan.interval}`
          : "No plan yet"}
      </Row>
      <Row name="Numbers billed">{String(billing.quantity)}</Row>
    </>
  );
}

function utcDay(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone: "UTC" }).format(new Date(value));
}

function Row({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="field-row">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
