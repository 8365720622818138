import { useEffect, useId, useRef, useState, type ReactNode, type SyntheticEvent } from "react";
import {
  FieldError,
  Form,
  Input,
  Label,
  SwitchButton,
  SwitchField,
  Text,
  TextArea,
  TextField,
} from "react-aria-components";

import { PageButtons, useCursorPages } from "../../lib/pager";
import { BusyButton, ErrorMessage, Loading } from "../../lib/ui";
import { useLedger, useRequestRefund, useSaveRenewal, useTopUp, type Funds, type LedgerEntry } from "./api";
import { rememberTopUp } from "./checkout";
import {
  placedAtFields,
  renewalFormOf,
  renewalProblems,
  renewalRequest,
  serverProblems,
  TOP_UP_MAX,
  TOP_UP_MIN,
  topUpProblems,
  type Problems,
  type RenewalField,
  type RenewalForm,
} from "./forms";
import { FundsBadges, renewalSummary } from "./FundsBadges";
import { formatMoney, parseMajor } from "./money";

const KINDS: Record<string, string> = {
  top_up: "Top-up",
  auto_renewal: "Auto-renewal",
  usage: "Usage (approximate charges)",
};

/**
 * One number's funds: its balance, Add funds (Stripe Checkout), its auto-renewal settings, its ledger and a refund
 * request. `focusOnMount`: the number was just chosen from the table, so the keyboard user lands on its heading.
 */
export function NumberFunds({ funds, focusOnMount }: { funds: Funds; focusOnMount: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const asked = useRef(focusOnMount);
  useEffect(() => {
    if (asked.current) heading.current?.focus();
  }, []);
  const phone = funds.phone_number ?? funds.number_id;
  return (
    <section aria-labelledby={headingId} className="card funds-panel">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Funds of {phone}
      </h2>
      <dl className="fields">
        <div className="field-row">
          <dt>Balance</dt>
          <dd>
            {formatMoney(funds.balance, funds.currency)} <FundsBadges funds={funds} />
          </dd>
        </div>
        <div className="field-row">
          <dt>Auto-renewal</dt>
          <dd>{renewalSummary(funds)}</dd>
        </div>
      </dl>
      <div className="funds-forms">
        <AddFunds funds={funds} />
        <AutoRenewal funds={funds} />
      </div>
      <Ledger numberId={funds.number_id} phone={phone} />
      <Refund funds={funds} />
    </section>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** An amount typed in the funds' currency, with its hint and the problem found with it. */
function AmountField({
  label,
  description,
  value,
  problem,
  onChange,
}: {
  label: string;
  description: ReactNode;
  value: string;
  problem: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      value={value}
      onChange={onChange}
      inputMode="decimal"
      isInvalid={problem !== undefined}
      className="field"
    >
      <Label>{label}</Label>
      <Input />
      <Text slot="description">{description}</Text>
      <FieldError className="field-error">{problem}</FieldError>
    </TextField>
  );
}

/**
 * Add funds: the amount in the funds' currency, then Stripe Checkout in this tab (a fresh Idempotency-Key each
 * press); the balance before is noted to tell when the payment has landed on the way back.
 */
function AddFunds({ funds }: { funds: Funds }) {
  const [amount, setAmount] = useState("");
  const [problems, setProblems] = useState<Problems<"amount">>({});
  const topUp = useTopUp(funds.number_id);
  const { reset } = topUp;
  useEffect(() => {
    const restored = (event: PageTransitionEvent) => {
      if (event.persisted) reset();
    };
    window.addEventListener("pageshow", restored);
    return () => {
      window.removeEventListener("pageshow", restored);
    };
  }, [reset]);
  const currency = funds.currency;

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (topUp.isPending || topUp.isSuccess) return;
    const found = topUpProblems(amount, currency);
    setProblems(found);
    const cents = parseMajor(amount, currency);
    if (found.amount || cents === undefined) return;
    topUp.mutate(
      { amount: cents, currency, key: crypto.randomUUID() },
      {
        onSuccess: (checkout) => {
          rememberTopUp(sessionStorage, { numberId: funds.number_id, balance: funds.balance });
          window.location.assign(checkout.checkout_url);
        },
      },
    );
  }

  return (
    <Section title="Add funds">
      <Form className="form" onSubmit={submit} validationBehavior="aria">
        <AmountField
          label={`Amount (${currency.toUpperCase()})`}
          description={`Between ${formatMoney(TOP_UP_MIN, currency)} and ${formatMoney(TOP_UP_MAX, currency)}. You pay by card at Stripe; the balance rises once Stripe confirms the payment.`}
          value={amount}
          problem={problems.amount ?? serverProblems(topUp.error, ["amount"]).amount}
          onChange={(typed) => {
            setAmount(typed);
            setProblems({});
            if (topUp.isError) reset();
          }}
        />
        {topUp.isError && !placedAtFields(topUp.error, ["amount"]) ? (
          <ErrorMessage error={topUp.error} title="The top-up could not be started" />
        ) : null}
        <div className="form-actions">
          <BusyButton
            type="submit"
            className="button primary"
            isBusy={topUp.isPending || topUp.isSuccess}
            busyLabel="Opening checkout…"
          >
            Add funds
          </BusyButton>
        </div>
      </Form>
    </Section>
  );
}

const RENEWAL_FIELDS: readonly RenewalField[] = ["threshold", "amount"];

function AutoRenewal({ funds }: { funds: Funds }) {
  const currency = funds.currency;
  const [form, setForm] = useState<RenewalForm>(() => renewalFormOf(funds.auto_renewal, currency));
  const [problems, setProblems] = useState<Problems<RenewalField>>({});
  const save = useSaveRenewal(funds.number_id);
  const refused = serverProblems(save.error, RENEWAL_FIELDS);

  function edit(change: Partial<RenewalForm>) {
    setForm({ ...form, ...change });
    setProblems({});
    if (!save.isPending) save.reset();
  }

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (save.isPending) return;
    setProblems(renewalProblems(form, currency));
    const request = renewalRequest(form, currency);
    if (request) save.mutate(request);
  }

  return (
    <Section title="Auto-renewal">
      <Form className="form" onSubmit={submit} validationBehavior="aria">
        <SwitchField
          isSelected={form.enabled}
          onChange={(enabled) => {
            edit({ enabled });
          }}
        >
          <SwitchButton className="switch">Renew automatically</SwitchButton>
        </SwitchField>
        <AmountField
          label={`Threshold (${currency.toUpperCase()})`}
          description="At this balance or below the saved card is charged; it is also when the balance counts as low."
          value={form.threshold}
          problem={problems.threshold ?? refused.threshold}
          onChange={(threshold) => {
            edit({ threshold });
          }}
        />
        <AmountField
          label={`Amount renewed (${currency.toUpperCase()})`}
          description={`Charged to the saved card at each renewal: more than the threshold, between ${formatMoney(TOP_UP_MIN, currency)} and ${formatMoney(TOP_UP_MAX, currency)}.`}
          value={form.amount}
          problem={problems.amount ?? refused.amount}
          onChange={(amount) => {
            edit({ amount });
          }}
        />
        {save.isError && !placedAtFields(save.error, RENEWAL_FIELDS) ? (
          <ErrorMessage error={save.error} title="The auto-renewal settings were not saved" />
        ) : null}
        <div className="form-actions">
          <BusyButton type="submit" className="button primary" isBusy={save.isPending} busyLabel="Saving…">
            Save auto-renewal
          </BusyButton>
        </div>
        <p role="status">{save.isSuccess ? "The auto-renewal settings were saved." : ""}</p>
      </Form>
    </Section>
  );
}

function Ledger({ numberId, phone }: { numberId: string; phone: string }) {
  const pages = useCursorPages();
  const page = useLedger(numberId, pages.cursor);
  const captionId = useId();
  const { pageNumber } = pages;
  return (
    <Section title="Ledger">
      {page.isPending ? <Loading>Loading the ledger…</Loading> : null}
      {page.isError ? <ErrorMessage error={page.error} title="The ledger could not be loaded" /> : null}
      {page.data ? (
        <>
          <table className="table" aria-labelledby={captionId} aria-busy={page.isPlaceholderData}>
            <caption id={captionId} className="visually-hidden">
              Ledger of {phone}, page {pageNumber}
            </caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Entry</th>
                <th scope="col" className="amount">
                  Amount
                </th>
                <th scope="col" className="amount">
                  Balance after
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.length === 0 ? (
                <tr>
                  <td colSpan={4}>No entries yet.</td>
                </tr>
              ) : (
                page.data.items.map((entry) => <LedgerRow key={entry.entry_id} entry={entry} />)
              )}
            </tbody>
          </table>
          <PageButtons
            label={`Pages of the ledger of ${phone}`}
            pages={pages}
            nextCursor={page.data.next_cursor}
            busy={page.isFetching}
          />
        </>
      ) : null}
    </Section>
  );
}

function LedgerRow({ entry }: { entry: LedgerEntry }) {
  return (
    <tr>
      <td>
        {new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(entry.at))}
      </td>
      <th scope="row">
        {KINDS[entry.kind] ?? entry.kind}
        <span className="muted small block">{entry.description}</span>
      </th>
      <td className={entry.amount > 0 ? "amount credit" : "amount"}>
        {formatMoney(entry.amount, entry.currency, { signed: true })}
      </td>
      <td className="amount">{formatMoney(entry.balance_after, entry.currency)}</td>
    </tr>
  );
}

/** Request a refund: support is asked for the number's remaining balance back, with the reason. */
function Refund({ funds }: { funds: Funds }) {
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const refund = useRequestRefund(funds.number_id);
  const shownProblem = problem ?? serverProblems(refund.error, ["reason"]).reason;

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (refund.isPending) return;
    const typed = reason.trim();
    setProblem(typed ? undefined : "Write why you want the funds back.");
    if (typed) refund.mutate(typed);
  }

  if (refund.isSuccess) {
    return (
      <Section title="Request a refund">
        <p role="status">
          Support received your request ({refund.data.request_id}) to refund{" "}
          {formatMoney(refund.data.balance, refund.data.currency)}; they will get back to you.
        </p>
      </Section>
    );
  }
  return (
    <Section title="Request a refund">
      {funds.balance > 0 ? (
        <Form className="form" onSubmit={submit} validationBehavior="aria">
          <TextField
            value={reason}
            onChange={(typed) => {
              setReason(typed);
              setProblem(undefined);
              if (refund.isError) refund.reset();
            }}
            maxLength={1000}
            isInvalid={shownProblem !== undefined}
            className="field"
          >
            <Label>Reason</Label>
            <TextArea rows={3} />
            <Text slot="description">
              Support refunds the balance of {formatMoney(funds.balance, funds.currency)} to your card and tells you
              when it is done.
            </Text>
            <FieldError className="field-error">{shownProblem}</FieldError>
          </TextField>
          {refund.isError && !placedAtFields(refund.error, ["reason"]) ? (
            <ErrorMessage error={refund.error} title="The refund could not be requested" />
          ) : null}
          <div className="form-actions">
            <BusyButton type="submit" className="button" isBusy={refund.isPending} busyLabel="Sending…">
              Request refund
            </BusyButton>
          </div>
        </Form>
      ) : (
        <p>There are no funds to refund on this number.</p>
      )}
    </Section>
  );
}
