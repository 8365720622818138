import type { ReactNode } from "react";
import { useParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useNumber } from "./api";
import { AccountStatusBadge, QualityBadge } from "./StatusBadges";
import { hostingPlatform, messagingLimit, utcDate } from "./wording";

/**
 * A number's page (seed, "WABA Manager → WhatsApp Channel"), read part: the number's fields from
 * `GET /v1/numbers/{number_id}`. Editing the display name and the other WABA Manager sections come later.
 */
export function NumberPage() {
  const { clientId, numberId = "" } = useParams();
  const number = useNumber(numberId);
  useDocumentTitle(number.data?.display_phone_number ?? "Number");
  const back = clientId ? `/clients/${encodeURIComponent(clientId)}/numbers` : "/numbers";

  return (
    <>
      <p>
        <Link href={back}>Back to numbers</Link>
      </p>
      {number.isPending ? <Loading>Loading the number…</Loading> : null}
      {number.isError ? <ErrorMessage error={number.error} title="The number could not be loaded" /> : null}
      {number.data ? (
        <>
          <h1>{number.data.display_phone_number}</h1>
          <section aria-labelledby="channel-heading" className="card">
            <h2 id="channel-heading">WhatsApp Channel</h2>
            <dl className="fields">
              <Field name="Phone Number">{number.data.display_phone_number}</Field>
              <Field name="WhatsApp Display Name">
                {number.data.display_name ?? "Not set"}
                {number.data.display_name_status ? (
                  <span className="muted"> ({number.data.display_name_status.toLowerCase().replaceAll("_", " ")})</span>
                ) : null}
              </Field>
              <Field name="Account Status">
                <AccountStatusBadge status={number.data.account_status} deletionAt={number.data.deletion_at} />
              </Field>
              {number.data.deletion_at ? (
                <Field name="Deletion date">{utcDate(number.data.deletion_at)} (UTC)</Field>
              ) : null}
              <Field name="Messaging Limit">{messagingLimit(number.data.messaging_limit)}</Field>
              <Field name="Quality Rating">
                <QualityBadge rating={number.data.quality_rating} />
              </Field>
              <Field name="Number Registration">
                {number.data.registration_status.charAt(0) + number.data.registration_status.slice(1).toLowerCase()}
              </Field>
              <Field name="Hosting Platform Type">{hostingPlatform(number.data.hosting_platform)}</Field>
              <Field name="WhatsApp Business Account ID">{number.data.waba_id}</Field>
            </dl>
          </section>
        </>
      ) : null}
    </>
  );
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="field-row">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
