import { useState, type SyntheticEvent } from "react";
import { Button, FieldError, Form, Input, Label, Text, TextField } from "react-aria-components";

import { ApiError } from "../../lib/api";
import { confirmEmailCode, useAuth } from "../../lib/auth";
import { BusyButton, ErrorMessage } from "../../lib/ui";
import { codeProblem, useConfirmEmailChange, useRequestEmailChange } from "../accounts";
import { emailProblem } from "./email";

/**
 * The e-mail change (seed, "How to update email or username": "After changing it in the Hub, you will receive
 * instructions via email to reset the password and the previous email will be replaced"): a new address, then the
 * code Cognito mails to it (verified with Cognito itself), then the hub ends the user's sessions and starts a password
 * reset; the user chooses a new password on the sign-in page. Until the code is entered, the old address signs in.
 */
export function EmailChange({ email, pending }: { email: string; pending: string | null }) {
  const [editing, setEditing] = useState(false);
  if (editing || pending === null) {
    return editing ? (
      <AddressForm
        current={email}
        onDone={() => {
          setEditing(false);
        }}
      />
    ) : (
      <Button
        className="button"
        onPress={() => {
          setEditing(true);
        }}
      >
        Change e-mail
      </Button>
    );
  }
  return (
    <CodeForm
      current={email}
      pending={pending}
      onAnotherAddress={() => {
        setEditing(true);
      }}
    />
  );
}

function AddressForm({ current, onDone }: { current: string; onDone: () => void }) {
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const request = useRequestEmailChange();
  const refused =
    request.error instanceof ApiError
      ? request.error.fieldErrors("email").join(" ") || (request.error.status === 409 ? request.error.detail : "")
      : "";
  const shown = problem ?? (refused || undefined);

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (request.isPending) return;
    const found = emailProblem(draft, current);
    setProblem(found);
    if (found !== undefined) return;
    request.mutateAsync(draft.trim()).then(onDone, () => undefined);
  }

  return (
    <Form className="form" validationBehavior="aria" onSubmit={submit}>
      <TextField
        value={draft}
        onChange={(value) => {
          setDraft(value);
          setProblem(undefined);
          if (request.isError) request.reset();
        }}
        type="email"
        isInvalid={shown !== undefined}
        className="field"
      >
        <Label>New e-mail address</Label>
        <Input autoComplete="email" />
        <Text slot="description">We send a code to it. Until you enter the code, you sign in with {current}.</Text>
        <FieldError className="field-error">{shown}</FieldError>
      </TextField>
      {request.isError && !refused ? <ErrorMessage error={request.error} title="No code was sent" /> : null}
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={request.isPending} busyLabel="Sending…">
          Send the code
        </BusyButton>
        <Button className="button" onPress={onDone}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}

function CodeForm({
  current,
  pending,
  onAnotherAddress,
}: {
  current: string;
  pending: string;
  onAnotherAddress: () => void;
}) {
  const { emailChanged } = useAuth();
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [verifying, setVerifying] = useState(false);
  const [resent, setResent] = useState("");
  const confirm = useConfirmEmailChange();
  const resend = useRequestEmailChange();

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (verifying) return;
    const found = codeProblem(code);
    setProblem(found);
    setResent("");
    if (found !== undefined) return;
    setVerifying(true);
    try {
      await confirmEmailCode(code);
    } catch (error) {
      setVerifying(false);
      setProblem(error instanceof Error ? error.message : "The code was not accepted. Try again.");
      return;
    }
    try {
      await confirm.mutateAsync();
      await emailChanged(pending);
    } catch {
      setVerifying(false);
    }
  }

  return (
    <Form className="form" validationBehavior="aria" onSubmit={(event) => void submit(event)}>
      <p role="status" className="notice">
        We sent a code to <strong>{pending}</strong>. Enter it to make it your sign-in address; until then, you sign in
        with {current}. You then choose a new password.
      </p>
      <TextField
        value={code}
        onChange={(value) => {
          setCode(value);
          setProblem(undefined);
        }}
        inputMode="numeric"
        isInvalid={problem !== undefined}
        className="field"
      >
        <Label>Code</Label>
        <Input autoComplete="one-time-code" />
        <FieldError className="field-error">{problem}</FieldError>
      </TextField>
      {confirm.isError ? <ErrorMessage error={confirm.error} title="The address was not changed" /> : null}
      {resend.isError ? <ErrorMessage error={resend.error} title="No new code was sent" /> : null}
      <p role="status">{resent}</p>
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={verifying} busyLabel="Confirming…">
          Confirm the new address
        </BusyButton>
        <BusyButton
          className="button"
          isBusy={resend.isPending}
          busyLabel="Sending…"
          onPress={() => {
            setResent("");
            resend.mutateAsync(pending).then(
              () => {
                setResent(`We sent a new code to ${pending}.`);
              },
              () => undefined,
            );
          }}
        >
          Send the code again
        </BusyButton>
        <Button className="button" onPress={onAnotherAddress}>
          Use another address
        </Button>
      </div>
    </Form>
  );
}
