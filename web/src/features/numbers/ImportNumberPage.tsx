import { useEffect, useId, useRef, useState, type SyntheticEvent } from "react";
import {
  Button,
  FieldError,
  Form,
  Input,
  Label,
  RadioButton,
  RadioField,
  RadioGroup,
  Text,
  TextField,
} from "react-aria-components";
import { useNavigate, useParams } from "react-router";

import { ApiError } from "../../lib/api";
import { useAuth } from "../../lib/auth";
import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import {
  forgetImport,
  rememberImport,
  useClientWabas,
  useImport,
  useResendCode,
  useStartImport,
  useVerifyImport,
  type CodeMethod,
  type ImportStep,
  type NumberImport,
} from "./onboarding";

const METHODS: { method: CodeMethod; label: string }[] = [
  { method: "SMS", label: "SMS" },
  { method: "VOICE", label: "Voice call" },
];
const STEPS: { step: ImportStep; label: string }[] = [
  { step: "number_added", label: "Number added to your WhatsApp Business Account" },
  { step: "code_requested", label: "Verification code sent" },
  { step: "verified", label: "Code verified" },
  { step: "registered", label: "Number registered" },
  { step: "done", label: "Number running" },
];
/** The problems of a wrong code: said next to the code field. */
const CODE_PROBLEMS = ["verification-code-rejected", "too-many-attempts"];

function useUser(): string {
  const { state } = useAuth();
  return state.status === "signedIn" ? state.user.email : "";
}

/** An API error's messages for one field, or none. */
function fieldMessages(error: unknown, field: string): string[] {
  return error instanceof ApiError ? error.fieldErrors(field) : [];
}

/**
 * "Import from another BSP" (seed, "Import from another BSP"): the number and the WABA to move it into, then the code
 * Meta sends by SMS or voice call, then verification. The import's id is in the URL, so a reload resumes it.
 */
export function ImportNumberPage() {
  const wabas = useClientWabas();
  const start = useStartImport();
  const navigate = useNavigate();
  const user = useUser();
  const [method, setMethod] = useState<CodeMethod>("SMS");
  const [edited, setEdited] = useState<string[]>([]); // fields changed since the API's answer: its words are old
  const selectId = useId();
  const wabaErrorId = useId();
  useDocumentTitle("Import a number");

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value.trim() : "";
    };
    const displayName = text("display_name");
    setEdited([]);
    try {
      const started = await start.mutateAsync({
        phone_number: text("phone_number").replace(/[\s()-]/g, ""),
        waba_id: text("waba_id"),
        method,
        ...(displayName ? { display_name: displayName } : {}),
      });
      rememberImport(user, started.import_id);
      await navigate(`/numbers/import/${encodeURIComponent(started.import_id)}`);
    } catch {
      // the error is the mutation's: shown on the form
    }
  }

  const errors: Record<string, string[]> = {};
  for (const field of ["phone_number", "method", "display_name"]) {
    const messages = fieldMessages(start.error, field);
    if (messages.length > 0 && !edited.includes(field)) errors[field] = messages;
  }
  const wabaErrors = fieldMessages(start.error, "waba_id");
  const unplaced = start.error && [...Object.keys(errors), ...wabaErrors, ...edited].length === 0;
  const editing = (field: string) => () => {
    if (!edited.includes(field)) setEdited([...edited, field]);
  };

  return (
    <>
      <p>
        <Link href="/numbers">Back to numbers</Link>
      </p>
      <h1>Import a number from another BSP</h1>
      <p>
        Move a number that already uses the WhatsApp Business API with another provider into one of your WhatsApp
        Business Accounts. Turn off two-step verification at the other provider first. Meta then sends a 6-digit code to
        the number.
      </p>
      {wabas.isPending ? <Loading>Loading your WhatsApp Business Accounts…</Loading> : null}
      {wabas.isError ? <ErrorMessage error={wabas.error} title="Your numbers could not be loaded" /> : null}
      {wabas.data?.length === 0 ? (
        <p className="notice">
          You have no WhatsApp Business Account yet. <Link href="/numbers/add">Add a number</Link> with Embedded Signup
          first: it creates one.
        </p>
      ) : null}
      {wabas.data && wabas.data.length > 0 ? (
        <Form
          onSubmit={(event) => void submit(event)}
          validationBehavior="aria"
          className="form"
          aria-label="Import a number"
        >
          <TextField
            name="phone_number"
            isRequired
            type="tel"
            autoComplete="off"
            onChange={editing("phone_number")}
            isInvalid={errors.phone_number !== undefined}
            className="field"
          >
            <Label>Phone number</Label>
            <Text slot="description">In international format, with its country code: +4915112345678.</Text>
            <Input />
            <FieldError className="field-error">{errors.phone_number?.join(" ")}</FieldError>
          </TextField>
          <div className="field">
            <label htmlFor={selectId}>WhatsApp Business Account</label>
            <select
              id={selectId}
              name="waba_id"
              aria-invalid={wabaErrors.length > 0 || undefined}
              aria-describedby={wabaErrors.length > 0 ? wabaErrorId : undefined}
            >
              {wabas.data.map((waba) => (
                <option key={waba} value={waba}>
                  {waba}
                </option>
              ))}
            </select>
            {wabaErrors.length > 0 ? (
              <p id={wabaErrorId} className="field-error">
                {wabaErrors.join(" ")}
              </p>
            ) : null}
          </div>
          <MethodChoice
            value={method}
            onChange={setMethod}
            label="Send the code by"
            name="method"
            errors={errors.method ?? []}
          />
          <TextField
            name="display_name"
            onChange={editing("display_name")}
            isInvalid={errors.display_name !== undefined}
            className="field"
          >
            <Label>Display name (optional)</Label>
            <Text slot="description">The name Meta shows; the WhatsApp Business Account&apos;s name when empty.</Text>
            <Input />
            <FieldError className="field-error">{errors.display_name?.join(" ")}</FieldError>
          </TextField>
          {unplaced ? <ErrorMessage error={start.error} /> : null}
          <Button type="submit" className="button primary" isDisabled={start.isPending}>
            {start.isPending ? "Starting the import…" : "Import number"}
          </Button>
        </Form>
      ) : null}
    </>
  );
}

function MethodChoice({
  value,
  onChange,
  label,
  name,
  errors = [],
}: {
  value: CodeMethod;
  onChange: (method: CodeMethod) => void;
  label: string;
  name: string;
  errors?: string[];
}) {
  return (
    <RadioGroup
      name={name}
      value={value}
      onChange={(next) => {
        onChange(next === "VOICE" ? "VOICE" : "SMS");
      }}
      orientation="horizontal"
      isInvalid={errors.length > 0}
      className="field radio-group"
    >
      <Label>{label}</Label>
      <div className="radios">
        {METHODS.map((choice) => (
          <RadioField key={choice.method} value={choice.method}>
            <RadioButton className="radio">{choice.label}</RadioButton>
          </RadioField>
        ))}
      </div>
      <FieldError className="field-error">{errors.join(" ")}</FieldError>
    </RadioGroup>
  );
}

/** An import under way, from the URL (`/numbers/import/<import_id>`): its code, its verification, its result. */
export function ImportProgressPage() {
  const { importId = "" } = useParams();
  const found = useImport(importId);
  const user = useUser();
  const done = found.data?.step === "done";
  useDocumentTitle(found.data ? `Import ${found.data.phone_number}` : "Import");

  useEffect(() => {
    if (done) forgetImport(user, importId);
  }, [done, user, importId]);

  return (
    <>
      <p>
        <Link href="/numbers">Back to numbers</Link>
      </p>
      {found.isPending ? <Loading>Loading the import…</Loading> : null}
      {found.isError ? <ErrorMessage error={found.error} title="The import could not be loaded" /> : null}
      {found.data ? (
        <>
          <h1>Import {found.data.phone_number}</h1>
          <Steps current={found.data.step} />
          {found.data.step === "done" ? <Imported record={found.data} /> : <Verify record={found.data} />}
        </>
      ) : null}
    </>
  );
}

function Steps({ current }: { current: ImportStep }) {
  const at = STEPS.findIndex((step) => step.step === current);
  return (
    <ol className="steps" aria-label="Steps of the import">
      {STEPS.map((step, index) => (
        <li
          key={step.step}
          aria-current={index === at ? "step" : undefined}
          className={index <= at ? "step-done" : undefined}
        >
          {step.label}
          <span className="visually-hidden">{index <= at ? " (done)" : " (to do)"}</span>
        </li>
      ))}
    </ol>
  );
}

function Imported({ record }: { record: NumberImport }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section aria-labelledby="imported-heading" className="card">
      <h2 id="imported-heading" ref={heading} tabIndex={-1}>
        {record.phone_number} was imported
      </h2>
      <p>The number is registered with the hub and runs: it sends and receives messages and is billed from now.</p>
      <p>
        <Link href="/numbers">Go to your numbers</Link>
      </p>
    </section>
  );
}

/** Seconds until `moment` (0 once it has passed), counting down every second. */
function useSecondsUntil(moment: string | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const until = moment ? Date.parse(moment) : Number.NaN;
  const left = Number.isNaN(until) ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
  useEffect(() => {
    if (left <= 0) return;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [left]);
  return left;
}

function Verify({ record }: { record: NumberImport }) {
  const verify = useVerifyImport(record.import_id);
  const resend = useResendCode(record.import_id);
  const [code, setCode] = useState("");
  const [edited, setEdited] = useState(false); // the code changed since the API's answer: its words are old
  const [method, setMethod] = useState<CodeMethod>(record.method);
  const wait = useSecondsUntil(record.resend_available_at);
  const waitId = useId();
  const sent = record.step !== "number_added";
  const verified = record.step === "verified" || record.step === "registered";

  const codeErrors = fieldMessages(verify.error, "code");
  if (verify.error instanceof ApiError && CODE_PROBLEMS.includes(verify.error.slug))
    codeErrors.push(verify.error.detail);
  const otherError = verify.error && codeErrors.length === 0 && !edited ? verify.error : null;

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    setEdited(false);
    verify.mutate(code.trim());
  }

  const methodName = record.method === "VOICE" ? "a voice call" : "SMS";
  return (
    <>
      {record.last_error && !verify.error ? (
        <div className="notice" role="status">
          <p>{record.last_error}</p>
        </div>
      ) : null}
      {sent ? (
        <section aria-labelledby="code-heading" className="card">
          <h2 id="code-heading">{verified ? "Finish the import" : "Enter the verification code"}</h2>
          <p>
            {verified
              ? "Meta accepted the code, but the import did not finish. Enter the code again to finish it."
              : `Meta sent a 6-digit code by ${methodName} to ${record.phone_number}.`}
          </p>
          <Form onSubmit={submit} validationBehavior="aria" className="form inline-form">
            <TextField
              name="code"
              value={code}
              onChange={(value) => {
                setCode(value);
                setEdited(true);
              }}
              isRequired
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              isInvalid={codeErrors.length > 0}
              className="field"
            >
              <Label>Verification code</Label>
              <Text slot="description">
                {verified ? "The 6-digit code." : `6 digits. ${record.attempts_left} attempt(s) left with this code.`}
              </Text>
              <Input />
              <FieldError className="field-error">{codeErrors.join(" ")}</FieldError>
            </TextField>
            <Button type="submit" className="button primary" isDisabled={verify.isPending}>
              {verify.isPending ? "Verifying…" : verified ? "Finish import" : "Verify"}
            </Button>
          </Form>
          {otherError ? <ErrorMessage error={otherError} /> : null}
        </section>
      ) : null}
      {!verified ? (
        <section aria-labelledby="resend-heading" className="card">
          <h2 id="resend-heading">{sent ? "No code arrived?" : "Send the verification code"}</h2>
          <MethodChoice value={method} onChange={setMethod} label="Send the code by" name="resend_method" />
          <p id={waitId} className="muted">
            {wait > 0
              ? `You can ask for a new code in ${wait} seconds.`
              : sent
                ? "A new code replaces the one sent before."
                : "Meta has not sent a code yet."}
          </p>
          <Button
            className="button"
            isDisabled={wait > 0 || resend.isPending}
            aria-describedby={waitId}
            onPress={() => {
              resend.mutate(method);
            }}
          >
            {sent ? "Resend code" : "Send code"}
          </Button>
          {resend.isSuccess ? (
            <p role="status">A new code was sent by {resend.data.method === "VOICE" ? "voice call" : "SMS"}.</p>
          ) : null}
          {resend.error ? <ErrorMessage error={resend.error} /> : null}
        </section>
      ) : null}
    </>
  );
}
