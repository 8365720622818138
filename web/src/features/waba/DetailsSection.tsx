import { ErrorMessage, Loading } from "../../lib/ui";
import { BillingDetails } from "../billing";
import { useWaba, type Waba } from "./api";
import { Row } from "./Row";
import { ACCOUNT_TYPES, metaWord } from "./wording";

/**
 * The WABA Manager's Details (seed, "WABA Manager → Details"): the WhatsApp Business Account the number is on, its
 * type, and every number of that account as Meta lists it (`GET /v1/wabas/{waba_id}`, shared with the WhatsApp Business
 * Account section below); for a client user, its billing: when it started and the plan, or that its partner bills it.
 */
export function DetailsSection({ wabaId, numberId }: { wabaId: string; numberId: string }) {
  const waba = useWaba(wabaId);
  return (
    <section aria-labelledby="details-heading" className="card">
      <h2 id="details-heading">Details</h2>
      {waba.isPending ? <Loading>Loading the account&apos;s details…</Loading> : null}
      {waba.isError ? <ErrorMessage error={waba.error} title="The account's details could not be loaded" /> : null}
      {waba.data ? (
        <>
          <dl className="fields">
            <Row name="WhatsApp Business Account ID">{waba.data.waba_id}</Row>
            <Row name="Account type">{ACCOUNT_TYPES[waba.data.type]}</Row>
            <BillingDetails />
          </dl>
          <AccountNumbers numbers={waba.data.numbers ?? []} current={numberId} />
        </>
      ) : null}
    </section>
  );
}

function AccountNumbers({ numbers, current }: { numbers: NonNullable<Waba["numbers"]>; current: string }) {
  if (numbers.length === 0) return <p className="muted">Meta lists no numbers in this account.</p>;
  return (
    <table className="table history">
      <caption>Numbers in this account</caption>
      <thead>
        <tr>
          <th scope="col">Phone number</th>
          <th scope="col">Display name</th>
          <th scope="col">Status at Meta</th>
        </tr>
      </thead>
      <tbody>
        {numbers.map((number) => (
          <tr key={number.number_id}>
            <th scope="row">
              {number.phone_number ?? number.number_id}
              {number.number_id === current ? <span className="muted"> (this number)</span> : null}
            </th>
            <td>{number.display_name ?? "Not set"}</td>
            <td>{metaWord(number.status)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
