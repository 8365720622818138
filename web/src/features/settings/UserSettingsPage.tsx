import { useState, type SyntheticEvent } from "react";
import { Button, FieldError, Form, Input, Label, Text, TextField } from "react-aria-components";

import { ApiError } from "../../lib/api";
import { BusyButton, ErrorMessage, Loading, useDocumentTitle } from "../../lib/ui";
import { useChangeMe, useMe } from "../accounts";
import { EmailChange } from "./EmailChange";
import { USERNAME_MAX, usernameProblem } from "./username";

/**
 * User settings (seed, "How to update email or username": "To update the User Name, just click on Edit and enter the
 * desired name"): the signed-in user's e-mail address (their sign-in name, changed with its confirmation code and a
 * new password: EmailChange) and the username the portal shows, changed with Edit (`PATCH /v1/me`). Every user's own,
 * whatever their role.
 */
export function UserSettingsPage() {
  useDocumentTitle("User settings");
  const me = useMe();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState("");
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  const { email, username, pending_email: pending } = me.data;
  return (
    <>
      <h1>User settings</h1>
      <section aria-labelledby="user-account" className="card">
        <h2 id="user-account">Your account</h2>
        <dl className="fields">
          <dt>E-mail</dt>
          <dd>
            {email ?? "—"}
            {pending ? <span className="muted"> (changing to {pending}: waiting for its code)</span> : null}
          </dd>
          <dt>Username</dt>
          <dd>{username ?? <span className="muted">None yet: the portal shows your e-mail address.</span>}</dd>
        </dl>
        {editing ? (
          <UsernameForm
            current={username ?? ""}
            onDone={(name) => {
              setEditing(false);
              setSaved(name === undefined ? "" : `Saved: your username is now “${name}”.`);
            }}
          />
        ) : (
          <Button
            className="button"
            onPress={() => {
              setSaved("");
              setEditing(true);
            }}
          >
            Edit username
          </Button>
        )}
        <p role="status">{saved}</p>
        {email ? <EmailChange email={email} pending={pending ?? null} /> : null}
      </section>
    </>
  );
}

function UsernameForm({ current, onDone }: { current: string; onDone: (saved: string | undefined) => void }) {
  const [draft, setDraft] = useState(current);
  const [problem, setProblem] = useState<string | undefined>();
  const change = useChangeMe();
  const refused = change.error instanceof ApiError ? change.error.fieldErrors("username").join(" ") : "";
  const shown = problem ?? (refused || undefined);

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (change.isPending) return;
    const found = usernameProblem(draft);
    setProblem(found);
    if (found !== undefined) return;
    change.mutateAsync(draft.trim()).then(
      (me) => {
        onDone(me.username ?? undefined);
      },
      () => undefined,
    );
  }

  return (
    <Form className="form" validationBehavior="aria" onSubmit={submit}>
      <TextField
        value={draft}
        onChange={(value) => {
          setDraft(value);
          setProblem(undefined);
          if (change.isError) change.reset();
        }}
        maxLength={USERNAME_MAX}
        isInvalid={shown !== undefined}
        className="field"
      >
        <Label>Username</Label>
        <Input autoComplete="name" />
        <Text slot="description">The name shown for you in the portal, up to {USERNAME_MAX} characters.</Text>
        <FieldError className="field-error">{shown}</FieldError>
      </TextField>
      {change.isError && !refused ? <ErrorMessage error={change.error} title="The username was not saved" /> : null}
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={change.isPending} busyLabel="Saving…">
          Save username
        </BusyButton>
        <Button
          className="button"
          onPress={() => {
            onDone(undefined);
          }}
        >
          Cancel
        </Button>
      </div>
    </Form>
  );
}
