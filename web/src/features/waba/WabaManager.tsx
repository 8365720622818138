import { useState, type ReactNode } from "react";
import { Form, Label, SwitchButton, SwitchField, TextArea, TextField } from "react-aria-components";

import { BusyButton, ErrorMessage, Loading } from "../../lib/ui";
import { useAskSupport, useCommerce, useRefreshWaba, useSaveCommerce, useWaba, type Health } from "./api";
import { ProfileSection } from "./ProfileSection";
import { Row } from "./Row";
import { ACCOUNT_TYPES } from "./wording";

const CAN_SEND: Record<string, string> = {
  AVAILABLE: "Can send messages",
  LIMITED: "Can send, with limits",
  BLOCKED: "Cannot send messages",
};

/**
 * The WABA Manager's sections of a number's page below its WhatsApp Channel (seed, "WABA Manager"): its WhatsApp
 * Business Account with Meta's health, the number's Commerce Settings and its business Profile (`clientId`: the
 * client the number belongs to, whose grants say whether a partner may change the profile).
 */
export function WabaManager({ wabaId, numberId, clientId }: { wabaId: string; numberId: string; clientId: string }) {
  return (
    <>
      <WabaAccount wabaId={wabaId} />
      <Commerce numberId={numberId} />
      <ProfileSection numberId={numberId} clientId={clientId} />
    </>
  );
}

function WabaAccount({ wabaId }: { wabaId: string }) {
  const waba = useWaba(wabaId);
  const refresh = useRefreshWaba(wabaId);
  const data = waba.data;
  return (
    <section aria-labelledby="waba-heading" className="card">
      <h2 id="waba-heading">WhatsApp Business Account</h2>
      {waba.isPending ? <Loading>Loading the WhatsApp Business Account…</Loading> : null}
      {waba.isError ? <ErrorMessage error={waba.error} title="The account could not be loaded" /> : null}
      {data ? (
        <>
          {data.stale ? (
            <p role="status" className="notice">
              Meta could not be reached: these are the details of {new Date(data.fetched_at).toLocaleString()}.
            </p>
          ) : null}
          <dl className="fields">
            <Row name="Name">{data.name}</Row>
            <Row name="Account type">{ACCOUNT_TYPES[data.type]}</Row>
            <Row name="Message on Behalf">{data.message_on_behalf_status ?? "Not applicable (shared account)"}</Row>
            <Row name="Timezone ID">{data.timezone_id ?? "—"}</Row>
            <Row name="Facebook Business Manager ID">{data.business_manager_id ?? "—"}</Row>
            <Row name="WhatsApp Business Account ID">{data.waba_id}</Row>
            <Row name="Namespace">{data.namespace ?? "—"}</Row>
            <Row name="Account review status">{data.account_review_status ?? "—"}</Row>
            <Row name="Business verification status">{data.business_verification_status ?? "—"}</Row>
            <Row name="Numbers">{String((data.numbers ?? []).length)}</Row>
          </dl>
          {data.health ? <HealthStatus health={data.health} /> : null}
          <p className="muted small">
            Read from Meta {new Date(data.fetched_at).toLocaleString()}.{" "}
            <BusyButton
              className="button"
              isBusy={refresh.isPending}
              busyLabel="Asking Meta…"
              onPress={() => {
                refresh.mutate();
              }}
            >
              Refresh from Meta
            </BusyButton>
          </p>
          {refresh.isError ? <ErrorMessage error={refresh.error} title="Meta could not be asked" /> : null}
        </>
      ) : null}
    </section>
  );
}

function HealthStatus({ health }: { health: Health }) {
  const troubled = (health.entities ?? []).filter((entity) => entity.can_send_message !== "AVAILABLE");
  return (
    <div className="health">
      <h3>Health</h3>
      <p>
        <strong>{CAN_SEND[health.can_send_message] ?? health.can_send_message}</strong>
        {troubled.length === 0 ? " — the account and all its numbers can send." : null}
      </p>
      {troubled.length > 0 ? (
        <ul aria-label="What limits sending">
          {troubled.map((entity) => (
            <li key={`${entity.entity_type}-${entity.id}`}>
              {entity.entity_type === "PHONE_NUMBER" ? "Number" : entity.entity_type} {entity.id}:{" "}
              {CAN_SEND[entity.can_send_message] ?? entity.can_send_message}.
              {(entity.errors ?? []).map((error) => (
                <span key={error.error_code ?? error.error_description} className="block">
                  {error.error_description} <em>What to do:</em> {error.possible_solution}
                </span>
              ))}
              {(entity.additional_info ?? []).map((info) => (
                <span key={info} className="block">
                  {info}
                </span>
              ))}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Commerce({ numberId }: { numberId: string }) {
  const commerce = useCommerce(numberId);
  const data = commerce.data;
  return (
    <section aria-labelledby="commerce-heading" className="card">
      <h2 id="commerce-heading">Commerce Settings</h2>
      {commerce.isPending ? <Loading>Loading the commerce settings…</Loading> : null}
      {commerce.isError ? (
        <ErrorMessage error={commerce.error} title="The commerce settings could not be loaded" />
      ) : null}
      {data ? (
        data.editable ? (
          <CommerceForm numberId={numberId} catalog={data.is_catalog_visible} cart={data.is_cart_enabled} />
        ) : (
          <SupportPath
            numberId={numberId}
            catalog={data.is_catalog_visible}
            cart={data.is_cart_enabled}
            note={data.how_to_change}
          />
        )
      ) : null}
    </section>
  );
}

function CommerceForm({ numberId, catalog, cart }: { numberId: string; catalog: boolean; cart: boolean }) {
  const [visible, setVisible] = useState(catalog);
  const [enabled, setEnabled] = useState(cart);
  const save = useSaveCommerce(numberId);
  return (
    <Form
      className="form"
      aria-label="Commerce settings"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ is_catalog_visible: visible, is_cart_enabled: enabled });
      }}
    >
      <Toggle isSelected={visible} onChange={setVisible}>
        Show the catalog
      </Toggle>
      <Toggle isSelected={enabled} onChange={setEnabled}>
        Enable the cart
      </Toggle>
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={save.isPending} busyLabel="Saving…">
          Save
        </BusyButton>
      </div>
      {save.isSuccess ? <p role="status">The commerce settings were saved at Meta.</p> : null}
      {save.isError ? <ErrorMessage error={save.error} title="The commerce settings were not saved" /> : null}
    </Form>
  );
}

function SupportPath({
  numberId,
  catalog,
  cart,
  note,
}: {
  numberId: string;
  catalog: boolean;
  cart: boolean;
  note: string;
}) {
  const [visible, setVisible] = useState(catalog);
  const [enabled, setEnabled] = useState(cart);
  const [message, setMessage] = useState("");
  const ask = useAskSupport(numberId);
  return (
    <>
      <dl className="fields">
        <Row name="Catalog shown">{catalog ? "Yes" : "No"}</Row>
        <Row name="Cart enabled">{cart ? "Yes" : "No"}</Row>
      </dl>
      <p>{note}</p>
      {ask.isSuccess ? (
        <p role="status">Support was asked (request {ask.data.request_id}); they will get back to you.</p>
      ) : (
        <Form
          className="form"
          aria-label="Ask support to change the commerce settings"
          onSubmit={(event) => {
            event.preventDefault();
            ask.mutate({
              is_catalog_visible: visible,
              is_cart_enabled: enabled,
              ...(message.trim() ? { note: message.trim() } : {}),
            });
          }}
        >
          <Toggle isSelected={visible} onChange={setVisible}>
            Show the catalog
          </Toggle>
          <Toggle isSelected={enabled} onChange={setEnabled}>
            Enable the cart
          </Toggle>
          <TextField value={message} onChange={setMessage} maxLength={1000} className="field">
            <Label>Note to support</Label>
            <TextArea rows={3} />
          </TextField>
          <div className="form-actions">
            <BusyButton type="submit" className="button primary" isBusy={ask.isPending} busyLabel="Sending…">
              Ask support
            </BusyButton>
          </div>
          {ask.isError ? <ErrorMessage error={ask.error} title="Support could not be asked" /> : null}
        </Form>
      )}
    </>
  );
}

/** An on/off setting: React Aria's switch (a checkbox with the switch role), its label the clickable area. */
function Toggle({
  isSelected,
  onChange,
  children,
}: {
  isSelected: boolean;
  onChange: (selected: boolean) => void;
  children: ReactNode;
}) {
  return (
    <SwitchField isSelected={isSelected} onChange={onChange}>
      <SwitchButton className="switch">{children}</SwitchButton>
    </SwitchField>
  );
}
