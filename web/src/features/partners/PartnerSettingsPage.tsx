import { useEffect, useId, useState, type SyntheticEvent } from "react";
import {
  Button,
  Dialog,
  DialogTrigger,
  Form,
  Heading,
  Modal,
  ModalOverlay,
  SwitchButton,
  SwitchField,
  Text,
} from "react-aria-components";
import { useParams } from "react-router";

import { BusyButton, ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { settingsBase } from "../settings";
import { usePermissions, useRevokeAll, useSavePermissions, type PartnerPermissions, type Scope } from "./api";
import { ChangePartner } from "./ChangePartner";
import { pendingWords, savedMessage, scopeDiff, scopeName, when } from "./wording";
import "./partners.css";

/**
 * A client's Partner settings (seed, "Settings … Partner Settings such as request Partner Change or manage Partner
 * Permissions"; "Manage Partner Permissions: You can give partner permissions through Settings to enable them to
 * manage your WABA account"): the current partner, what it may do as one switch per scope (Save sends the whole set;
 * "Revoke all" after a confirmation), and "Change partner" with the client's requests. A client user's own at
 * `/settings/partner`; a support agent reads a client's at `/clients/{id}/settings/partner`, changing nothing.
 */
export function PartnerSettingsPage() {
  const { clientId: acting } = useParams();
  const me = useMe();
  useDocumentTitle(acting ? `Partner settings of ${acting}` : "Partner settings");
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role === "partner") {
    return (
      <>
        <h1>Partner</h1>
        <p>
          What a client grants its partner is the client&apos;s to see and change. Your clients and what each granted
          are under <Link href="/partner">Partner</Link>.
        </p>
      </>
    );
  }
  const clientId = acting ?? me.data.client?.client_id;
  if (!clientId) return <ErrorMessage error={new Error("Your account belongs to no client.")} />;
  const readOnly = me.data.role !== "client";
  return (
    <>
      <p>
        <Link href={settingsBase(acting)}>Back to settings</Link>
      </p>
      <div className="page-heading">
        <h1>Partner</h1>
        {acting ? <p className="muted">Client {acting}</p> : null}
      </div>
      {readOnly ? (
        <p className="notice">
          Support agents read the client&apos;s partner settings here; only the client&apos;s users change them.
        </p>
      ) : null}
      <PartnerSettings clientId={clientId} readOnly={readOnly} />
    </>
  );
}

function PartnerSettings({ clientId, readOnly }: { clientId: string; readOnly: boolean }) {
  const permissions = usePermissions(clientId);
  if (permissions.isPending) return <Loading>Loading the partner settings…</Loading>;
  if (permissions.isError) {
    return <ErrorMessage error={permissions.error} title="The partner settings could not be loaded" />;
  }
  const data = permissions.data;
  return (
    <div className="partner-settings">
      <CurrentPartner permissions={data} readOnly={readOnly} />
      <Permissions key={data.partner?.partner_id ?? "none"} permissions={data} readOnly={readOnly} />
      <ChangePartner clientId={clientId} partner={data.partner} readOnly={readOnly} />
    </div>
  );
}

/** Who the partner is; when it changes while the page is open (a move completed), a status says so. */
function CurrentPartner({ permissions, readOnly }: { permissions: PartnerPermissions; readOnly: boolean }) {
  const headingId = useId();
  const partner = permissions.partner;
  const [first] = useState(partner?.partner_id ?? null);
  const moved = (partner?.partner_id ?? null) !== first;
  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>{readOnly ? "The client's partner" : "Your partner"}</h2>
      {partner ? (
        <p className="partner-name">
          <strong>{partner.name}</strong> <span className="muted">({partner.partner_id})</span>
        </p>
      ) : (
        <p className="partner-name">
          {readOnly ? "The client works without a partner." : "You work without a partner."}
        </p>
      )}
      <p role="status" className="small">
        {moved
          ? partner
            ? `The move is complete: the partner is now ${partner.name}.`
            : "The client has no partner now."
          : ""}
      </p>
    </section>
  );
}

/** One switch per scope a client can grant, Save (the whole set) and "Revoke all". */
function Permissions({ permissions, readOnly }: { permissions: PartnerPermissions; readOnly: boolean }) {
  const headingId = useId();
  const clientId = permissions.client_id;
  const partner = permissions.partner;
  const [draft, setDraft] = useState<Scope[] | null>(null);
  const [message, setMessage] = useState<string | undefined>();
  const save = useSavePermissions(clientId);
  const revoke = useRevokeAll(clientId);
  const order = permissions.choices.map((choice) => choice.scope);
  const selected = draft ?? permissions.scopes;
  const diff = scopeDiff(permissions.scopes, selected, order);
  const changed = diff.granted.length + diff.revoked.length > 0;

  if (!partner) {
    return (
      <section aria-labelledby={headingId} className="card">
        <h2 id={headingId}>Partner permissions</h2>
        <p>
          {readOnly ? "The client works" : "You work"} without a partner, so there is nothing to grant. Once a partner
          accepts {readOnly ? "its" : "your"} request below, choose here what it may do.
        </p>
      </section>
    );
  }

  function toggle(scope: Scope, on: boolean) {
    const next = order.filter((each) => (each === scope ? on : selected.includes(each)));
    setDraft(next);
    setMessage(undefined);
    if (save.isError) save.reset();
    if (revoke.isError) revoke.reset();
  }

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (readOnly || save.isPending) return;
    revoke.reset();
    if (!changed) {
      setMessage("Nothing to save: the permissions are as saved.");
      return;
    }
    const before = permissions.scopes;
    save.mutate(selected, {
      onSuccess: (saved) => {
        setDraft(null);
        setMessage(savedMessage(saved.partner?.name ?? "Your partner", before, saved.scopes));
      },
    });
  }

  const failed = save.isError ? save.error : revoke.isError ? revoke.error : undefined;
  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>Partner permissions</h2>
      <p>
        What {partner.name} may do for {readOnly ? "the client" : "you"}: each permission lets it manage a part of{" "}
        {readOnly ? "the client's" : "your"} WhatsApp Business Account. A change applies to its very next request.
      </p>
      <Form className="form" onSubmit={submit} aria-labelledby={headingId}>
        <div className="scope-switches">
          {permissions.choices.map((choice) => (
            <SwitchField
              key={choice.scope}
              isSelected={selected.includes(choice.scope)}
              isReadOnly={readOnly}
              onChange={(on) => {
                toggle(choice.scope, on);
              }}
              className="scope-switch"
            >
              <SwitchButton className="switch">{scopeName(choice.scope)}</SwitchButton>
              <Text slot="description" className="small muted">
                {choice.meaning}
              </Text>
            </SwitchField>
          ))}
        </div>
        {changed ? <p className="small">{pendingWords(diff)}</p> : null}
        {permissions.updated_at ? <p className="small muted">Last changed {when(permissions.updated_at)}.</p> : null}
        {failed ? <ErrorMessage error={failed} title="The permissions were not changed" /> : null}
        <div className="form-actions">
          <BusyButton
            type="submit"
            className="button primary"
            isDisabled={readOnly}
            isBusy={save.isPending}
            busyLabel="Saving…"
          >
            Save permissions
          </BusyButton>
          <RevokeAll
            permissions={permissions}
            isDisabled={readOnly || permissions.scopes.length === 0}
            revoke={revoke}
            onRevoked={() => {
              save.reset();
              setDraft(null);
              setMessage(
                `Every permission of ${partner.name} was revoked: it keeps you as its client but may do nothing for you until you grant permissions again.`,
              );
            }}
          />
        </div>
        <p role="status">{message}</p>
      </Form>
    </section>
  );
}

/** "Revoke all", confirmed in a dialog first (`DELETE …/partner-permissions`). */
function RevokeAll({
  permissions,
  isDisabled,
  revoke,
  onRevoked,
}: {
  permissions: PartnerPermissions;
  isDisabled: boolean;
  revoke: ReturnType<typeof useRevokeAll>;
  onRevoked: () => void;
}) {
  const [open, setOpen] = useState(false);
  const name = permissions.partner?.name ?? "your partner";
  const { reset } = revoke;
  useEffect(() => {
    if (!open) reset();
  }, [open, reset]);
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button className="button danger" isDisabled={isDisabled}>
        Revoke all
      </Button>
      <ModalOverlay
        className="modal-overlay"
        isDismissable={!revoke.isPending}
        isKeyboardDismissDisabled={revoke.isPending}
      >
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">Revoke every permission of {name}?</Heading>
                <p>
                  {name} keeps you as its client, with your numbers, but may do nothing for you until you grant
                  permissions again: {permissions.scopes.join(", ")} {permissions.scopes.length === 1 ? "goes" : "go"}.
                </p>
                {revoke.isError ? <ErrorMessage error={revoke.error} title="The permissions were not revoked" /> : null}
                <div className="dialog-actions">
                  <Button className="button" onPress={close} isDisabled={revoke.isPending}>
                    Keep them
                  </Button>
                  <BusyButton
                    className="button danger"
                    isBusy={revoke.isPending}
                    busyLabel="Revoking…"
                    onPress={() => {
                      revoke.mutate(undefined, {
                        onSuccess: () => {
                          close();
                          onRevoked();
                        },
                      });
                    }}
                  >
                    Revoke every permission
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
