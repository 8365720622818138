import type { ReactNode } from "react";
import { Button, Disclosure, DisclosurePanel } from "react-aria-components";
import { useParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { FundsNotice } from "../billing";
import { DetailsSection, WabaManager } from "../waba";
import { useDisplayName, useNumber } from "./api";
import { DisplayNameSection } from "./DisplayNameSection";
import { AccountStatusBadge, QualityBadge } from "./StatusBadges";
import { hostingPlatform, messagingLimit, nameStatus, registrationStatus, utcDate } from "./wording";

/**
 * A number's page (seed, "WABA Manager"): the Details of its WhatsApp Business Account; the WhatsApp Channel, the
 * number's fields from `GET /v1/numbers/{number_id}`, and behind "Show details" its display name (`…/display-name`),
 * which the client (or a partner it granted `display_name:write`) may change; then the WABA Manager's other sections
 * and the ways to its Templates (`/wabas/{waba_id}/templates`) and its Insights (`/insights?number_id=…`), pages of
 * their own. A prepaid client's user learns here when the number's funds are depleted (messaging paused) or low.
 * The page follows Meta's review by itself: while a name is under review the display name is asked for again every
 * few seconds, and the number once Meta decided.
 */
export function NumberPage() {
  const { clientId, numberId = "" } = useParams();
  const number = useNumber(numberId);
  const displayName = useDisplayName(numberId);
  useDocumentTitle(number.data?.display_phone_number ?? "Number");
  const clientBase = clientId ? `/clients/${encodeURIComponent(clientId)}` : "";
  const back = `${clientBase}/numbers`;
  const pending = displayName.data?.pending;

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
          <FundsNotice numberId={numberId} />
          <DetailsSection wabaId={number.data.waba_id} numberId={numberId} />
          <section aria-labelledby="channel-heading" className="card">
            <h2 id="channel-heading">WhatsApp Channel</h2>
            <dl className="fields">
              <Field name="Phone Number">{number.data.display_phone_number}</Field>
              <Field name="WhatsApp Display Name">
                {number.data.display_name ?? "Not set"}
                {number.data.display_name_status ? (
                  <span className="muted"> ({nameStatus(number.data.display_name_status)})</span>
                ) : null}
                {pending ? (
                  <span className="muted small block">“{pending.display_name}” is under review at Meta.</span>
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
              <Field name="Number Registration">{registrationStatus(number.data.registration_status)}</Field>
              {number.data.reregister_by ? (
                <Field name="Register again by">
                  {utcDate(number.data.reregister_by)} (UTC): Meta asks for it after a new display name
                </Field>
              ) : null}
              <Field name="Hosting Platform Type">{hostingPlatform(number.data.hosting_platform)}</Field>
              <Field name="WhatsApp Business Account ID">{number.data.waba_id}</Field>
            </dl>
          </section>
          <Disclosure className="details">
            {({ isExpanded }) => (
              <>
                <Button slot="trigger" className="button">
                  {isExpanded ? "Hide details" : "Show details"}
                </Button>
                <DisclosurePanel>
                  {displayName.isPending ? <Loading>Loading the display name…</Loading> : null}
                  {displayName.isError ? (
                    <ErrorMessage error={displayName.error} title="The display name could not be loaded" />
                  ) : null}
                  {displayName.data ? (
                    <DisplayNameSection
                      number={number.data}
                      view={displayName.data}
                      clientId={clientId ?? number.data.client_id}
                    />
                  ) : null}
                </DisclosurePanel>
              </>
            )}
          </Disclosure>
          <WabaManager wabaId={number.data.waba_id} numberId={numberId} clientId={clientId ?? number.data.client_id} />
          <section aria-labelledby="templates-heading" className="card">
            <h2 id="templates-heading">Templates</h2>
            <p>
              The message templates of this WhatsApp Business Account: their review status, content and category at
              Meta; create new ones with a preview and sync them with Meta.
            </p>
            <Link href={`${clientBase}/wabas/${encodeURIComponent(number.data.waba_id)}/templates`} className="button">
              Open templates
            </Link>
          </section>
          <section aria-labelledby="insights-heading" className="card">
            <h2 id="insights-heading">Insights</h2>
            <p>
              The number&apos;s billable messages by category and its approximate charges, with this month&apos;s
              forecast.
            </p>
            <Link href={`${clientBase}/insights?number_id=${encodeURIComponent(numberId)}`} className="button">
              Open insights
            </Link>
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
