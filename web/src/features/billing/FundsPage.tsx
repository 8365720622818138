import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { billingKeys, useFunds, type Funds, type FundsOverview } from "./api";
import { arrangementOf } from "./arrangement";
import { forgetTopUp, recallTopUp, returnState, type PendingTopUp, type Return } from "./checkout";
import { FundsBadges, renewalSummary } from "./FundsBadges";
import { formatMoney } from "./money";
import { NumberFunds } from "./NumberFunds";
import { ThroughPartner } from "./ThroughPartner";
import "./billing.css";

/** How long Funds waits for Stripe to confirm a payment before it says to look again later. */
const CONFIRM_WAIT_MS = 60_000;

/**
 * Funds (`/billing/funds`; seed, "Insights & Billing"): a prepaid client's balance per number and their total, a
 * number paused at zero or below and one running low marked so; the number chosen (`?number_id=`) with Add funds,
 * its auto-renewal, its ledger and a refund request. Back from Stripe Checkout (`&top_up=success|cancelled`) it
 * says how the payment stands and asks again until the balance has risen.
 */
export function FundsPage() {
  useDocumentTitle("Funds");
  const me = useMe();
  const arrangement = arrangementOf(me.data);
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (arrangement.kind === "direct" && arrangement.prepaid) return <PrepaidFunds />;
  return (
    <>
      <h1>Funds</h1>
      {arrangement.kind === "partner" ? <ThroughPartner partnerId={arrangement.partnerId} /> : <NotPrepaid />}
    </>
  );
}

function NotPrepaid() {
  return (
    <p>
      Your account does not use prepaid funds: messages are billed with your invoices. See{" "}
      <Link href="/billing/invoices">Invoices</Link>.
    </p>
  );
}

interface Returned {
  outcome: "success" | "cancelled";
  numberId: string;
  pending: PendingTopUp | undefined;
}

/** The return from Stripe Checkout in the address, read once; the address then drops `top_up` (a reload is no return). */
function useCheckoutReturn(): Returned | null {
  const [search, setSearch] = useSearchParams();
  const [returned] = useState<Returned | null>(() => {
    const outcome = search.get("top_up");
    const numberId = search.get("number_id") ?? "";
    if (outcome !== "success" && outcome !== "cancelled") return null;
    return { outcome, numberId, pending: recallTopUp(sessionStorage, numberId) };
  });
  useEffect(() => {
    if (!search.has("top_up")) return;
    const next = new URLSearchParams(search);
    next.delete("top_up");
    setSearch(next, { replace: true });
  }, [search, setSearch]);
  return returned;
}

function balanceOf(funds: FundsOverview | null | undefined, numberId: string): number | undefined {
  return funds?.numbers.find((number) => number.number_id === numberId)?.balance;
}

function PrepaidFunds() {
  const [search] = useSearchParams();
  const returned = useCheckoutReturn();
  const [stoppedWaiting, setStoppedWaiting] = useState(false);
  const [chosenByPress, setChosenByPress] = useState(false);
  const state = (funds: FundsOverview | null | undefined): Return | null =>
    returned
      ? returnState(returned.outcome, returned.pending, balanceOf(funds, returned.numberId), stoppedWaiting)
      : null;
  const funds = useFunds({ confirming: (data) => state(data) === "confirming" });
  const current = state(funds.data);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (returned?.outcome !== "success") return;
    const timer = setTimeout(() => {
      setStoppedWaiting(true);
    }, CONFIRM_WAIT_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [returned]);
  useEffect(() => {
    if (current !== "confirmed" || !returned) return;
    forgetTopUp(sessionStorage);
    void queryClient.invalidateQueries({ queryKey: billingKeys.ledgers(returned.numberId) });
  }, [current, returned, queryClient]);

  const overview = funds.data;
  const selectedId = search.get("number_id") ?? overview?.numbers[0]?.number_id;
  const selected = overview?.numbers.find((number) => number.number_id === selectedId);

  return (
    <>
      <h1>Funds</h1>
      <p>
        Messages are paid from prepaid funds, per number: each day&apos;s approximate charges are taken from the
        number&apos;s balance. At zero or below, the number&apos;s outbound messaging is paused until a top-up lands.
      </p>
      {returned && current ? (
        <ReturnNotice state={current} number={overview?.numbers.find((n) => n.number_id === returned.numberId)} />
      ) : null}
      {funds.isPending ? <Loading>Loading your funds…</Loading> : null}
      {funds.isError ? <ErrorMessage error={funds.error} title="Your funds could not be loaded" /> : null}
      {overview === null ? <NotPrepaid /> : null}
      {overview ? (
        <>
          <FundsTable
            overview={overview}
            selectedId={selected?.number_id}
            onChoose={() => {
              setChosenByPress(true);
            }}
          />
          {selected ? <NumberFunds key={selected.number_id} funds={selected} focusOnMount={chosenByPress} /> : null}
        </>
      ) : null}
    </>
  );
}

function ReturnNotice({ state, number }: { state: Return; number: Funds | undefined }) {
  const which = number?.phone_number ?? "the number";
  const balance = number ? formatMoney(number.balance, number.currency) : undefined;
  return (
    <div role="status" className="notice">
      {state === "confirming" ? (
        <p>
          Thank you: your payment is being confirmed. The balance of {which} rises as soon as Stripe confirms it,
          usually within a few seconds.
        </p>
      ) : null}
      {state === "confirmed" ? (
        <p>
          Your payment landed: the balance of {which} is now {balance}.
        </p>
      ) : null}
      {state === "unconfirmed" ? (
        <p>
          The balance of {which} rises once Stripe confirms your payment. If it has not yet, look again in a few
          minutes.
        </p>
      ) : null}
      {state === "cancelled" ? <p>The checkout was cancelled: nothing was charged.</p> : null}
    </div>
  );
}

function FundsTable({
  overview,
  selectedId,
  onChoose,
}: {
  overview: FundsOverview;
  selectedId: string | undefined;
  onChoose: () => void;
}) {
  const captionId = useId();
  if (overview.numbers.length === 0) return <p>No number holds funds yet: add a number first.</p>;
  return (
    <table className="table" aria-labelledby={captionId}>
      <caption id={captionId} className="visually-hidden">
        Funds per number
      </caption>
      <thead>
        <tr>
          <th scope="col">Phone number</th>
          <th scope="col" className="amount">
            Balance
          </th>
          <th scope="col">Status</th>
          <th scope="col">Auto-renewal</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {overview.numbers.map((number) => (
          <tr key={number.number_id} aria-current={number.number_id === selectedId ? "true" : undefined}>
            <th scope="row" className="phone">
              {number.phone_number ?? number.number_id}
            </th>
            <td className="amount">{formatMoney(number.balance, number.currency)}</td>
            <td>
              <FundsBadges funds={number} />
            </td>
            <td>{renewalSummary(number)}</td>
            <td>
              <Link
                href={`/billing/funds?number_id=${encodeURIComponent(number.number_id)}`}
                className="button"
                onPress={onChoose}
              >
                Manage funds<span className="visually-hidden"> of {number.phone_number ?? number.number_id}</span>
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td className="amount">{formatMoney(overview.total, overview.currency)}</td>
          <td colSpan={3} />
        </tr>
      </tfoot>
    </table>
  );
}
