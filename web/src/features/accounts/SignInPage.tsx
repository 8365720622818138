import { useState, type SyntheticEvent } from "react";
import { Button, FieldError, Form, Input, Label, TextField } from "react-aria-components";

import { useAuth } from "../../lib/auth";
import { useDocumentTitle } from "../../lib/ui";

/** Email and password, signed in with SRP through Amplify; Cognito's refusal is shown as it words it. */
export function SignInPage({ notice }: { notice?: string }) {
  const { signIn } = useAuth();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  useDocumentTitle("Sign in");

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : "";
    };
    setRefusal(null);
    setPending(true);
    try {
      await signIn(text("email"), text("password"));
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : "Sign-in failed. Try again.");
      setPending(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Client Hub</h1>
      {notice ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      <Form onSubmit={(event) => void submit(event)} className="form">
        <TextField name="email" type="email" autoComplete="username" isRequired className="field">
          <Label>Email</Label>
          <Input />
          <FieldError className="field-error" />
        </TextField>
        <TextField name="password" type="password" autoComplete="current-password" isRequired className="field">
          <Label>Password</Label>
          <Input />
          <FieldError className="field-error" />
        </TextField>
        {refusal ? (
          <div role="alert" id="sign-in-refusal" className="alert">
            <p className="alert-title">Sign-in refused</p>
            <p>{refusal}</p>
          </div>
        ) : null}
        <Button type="submit" className="button primary" isDisabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </Form>
    </main>
  );
}
