/** Why a partner-paid client finds no billing here: its partner pays the hub, and bills the client itself. */
export function ThroughPartner({ partnerId }: { partnerId: string | null }) {
  return (
    <p>
      Billing is with your partner{partnerId ? ` (${partnerId})` : ""}: your partner pays for your numbers and messages
      and bills you. Ask your partner about your plan, invoices and payments.
    </p>
  );
}
