import { useState, type SyntheticEvent } from "react";
import { Button, FieldError, Form, Input, Label, Text, TextField } from "react-aria-components";

import { PasswordResetRequired, sendPasswordCode, setPasswordWithCode, useAuth } from "../../lib/auth";
import { BusyButton, useDocumentTitle } from "../../lib/ui";
import { codeProblem, PASSWORD_RULE, passwordProblem } from "./password";

type Step = { name: "signIn" } | { name: "forgot" } | { name: "reset"; email: string };

/**
 * Email and password, signed in with SRP through Amplify; Cognito's refusal is shown as it words it. A password that
 * must be reset first (after an e-mail change, `resetFor`), or one the user forgot, is set anew here with the code
 * Cognito mails, and the user is signed in with it.
 */
export function SignInPage({ notice, resetFor }: { notice?: string; resetFor?: string }) {
  const [step, setStep] = useState<Step>(
    resetFor === undefined ? { name: "signIn" } : { name: "reset", email: resetFor },
  );
  const [shown, setShown] = useState(notice);
  useDocumentTitle(step.name === "signIn" ? "Sign in" : "Choose a new password");

  return (
    <main id="main" className="sign-in">
      <h1>{step.name === "signIn" ? "Sign in to Client Hub" : "Choose a new password"}</h1>
      {shown ? (
        <p role="status" className="notice">
          {shown}
        </p>
      ) : null}
      {step.name === "signIn" ? (
        <SignInForm
          onResetRequired={(email) => {
            setShown("Your password must be changed before you sign in: we sent a code to your e-mail address.");
            setStep({ name: "reset", email });
          }}
          onForgot={() => {
            setShown(undefined);
            setStep({ name: "forgot" });
          }}
        />
      ) : step.name === "forgot" ? (
        <ForgotForm
          onSent={(email) => {
            setShown(`If ${email} has an account, we sent a code to it.`);
            setStep({ name: "reset", email });
          }}
          onBack={() => {
            setStep({ name: "signIn" });
          }}
        />
      ) : (
        <ResetForm
          email={step.email}
          onResent={() => {
            setShown(`We sent a new code to ${step.email}.`);
          }}
          onBack={() => {
            setShown(undefined);
            setStep({ name: "signIn" });
          }}
        />
      )}
    </main>
  );
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** The address the user signs in with (the sign-in and "forgot your password" forms). */
function EmailField() {
  return (
    <TextField name="email" type="email" autoComplete="username" isRequired className="field">
      <Label>Email</Label>
      <Input />
      <FieldError className="field-error" />
    </TextField>
  );
}

function Refusal({ title, message }: { title: string; message: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" id="sign-in-refusal" className="alert">
      <p className="alert-title">{title}</p>
      <p>{message}</p>
    </div>
  );
}

function SignInForm({ onResetRequired, onForgot }: { onResetRequired: (email: string) => void; onForgot: () => void }) {
  const { signIn } = useAuth();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setRefusal(null);
    setPending(true);
    try {
      await signIn(text(form, "email"), text(form, "password"));
    } catch (error) {
      setPending(false);
      if (error instanceof PasswordResetRequired) onResetRequired(error.email);
      else setRefusal(error instanceof Error ? error.message : "Sign-in failed. Try again.");
    }
  }

  return (
    <Form onSubmit={(event) => void submit(event)} className="form">
      <EmailField />
      <TextField name="password" type="password" autoComplete="current-password" isRequired className="field">
        <Label>Password</Label>
        <Input />
        <FieldError className="field-error" />
      </TextField>
      <Refusal title="Sign-in refused" message={refusal} />
      <div className="form-actions">
        <Button type="submit" className="button primary" isDisabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
        <Button className="link-button" onPress={onForgot}>
          Forgot your password?
        </Button>
      </div>
    </Form>
  );
}

function ForgotForm({ onSent, onBack }: { onSent: (email: string) => void; onBack: () => void }) {
  const [refusal, setRefusal] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = text(new FormData(event.currentTarget), "email").trim();
    setRefusal(null);
    setPending(true);
    try {
      await sendPasswordCode(email);
      onSent(email);
    } catch (error) {
      setPending(false);
      setRefusal(error instanceof Error ? error.message : "The code could not be sent. Try again.");
    }
  }

  return (
    <Form onSubmit={(event) => void submit(event)} className="form">
      <p>Enter the address you sign in with: we mail you a code to choose a new password with.</p>
      <EmailField />
      <Refusal title="No code sent" message={refusal} />
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={pending} busyLabel="Sending…">
          Send me a code
        </BusyButton>
        <Button className="button" onPress={onBack}>
          Back to sign-in
        </Button>
      </div>
    </Form>
  );
}

function ResetForm({ email, onResent, onBack }: { email: string; onResent: () => void; onBack: () => void }) {
  const { signIn } = useAuth();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ code: string | undefined; password: string | undefined }>({
    code: undefined,
    password: undefined,
  });
  const [pending, setPending] = useState(false);
  const [resending, setResending] = useState(false);

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const code = text(form, "code");
    const password = text(form, "new-password");
    const found = { code: codeProblem(code), password: passwordProblem(password) };
    setProblems(found);
    setRefusal(null);
    if (found.code !== undefined || found.password !== undefined) return;
    setPending(true);
    try {
      await setPasswordWithCode(email, code, password);
      await signIn(email, password);
    } catch (error) {
      setPending(false);
      setRefusal(error instanceof Error ? error.message : "The new password was not saved. Try again.");
    }
  }

  async function resend() {
    setRefusal(null);
    setResending(true);
    try {
      await sendPasswordCode(email);
      onResent();
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : "The code could not be sent. Try again.");
    } finally {
      setResending(false);
    }
  }

  return (
    <Form onSubmit={(event) => void submit(event)} className="form" validationBehavior="aria">
      <p>
        The code is in the e-mail sent to <strong>{email}</strong>.
      </p>
      <TextField
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        isRequired
        isInvalid={problems.code !== undefined}
        className="field"
      >
        <Label>Code</Label>
        <Input />
        <FieldError className="field-error">{problems.code}</FieldError>
      </TextField>
      <TextField
        name="new-password"
        type="password"
        autoComplete="new-password"
        isRequired
        isInvalid={problems.password !== undefined}
        className="field"
      >
        <Label>New password</Label>
        <Input />
        <Text slot="description">{PASSWORD_RULE}</Text>
        <FieldError className="field-error">{problems.password}</FieldError>
      </TextField>
      <Refusal title="Password not changed" message={refusal} />
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={pending} busyLabel="Saving…">
          Save and sign in
        </BusyButton>
        <BusyButton className="button" isBusy={resending} busyLabel="Sending…" onPress={() => void resend()}>
          Send a new code
        </BusyButton>
        <Button className="button" onPress={onBack}>
          Back to sign-in
        </Button>
      </div>
    </Form>
  );
}
