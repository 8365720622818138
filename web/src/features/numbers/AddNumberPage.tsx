import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from "react";
import { Button } from "react-aria-components";

import { useConfig } from "../../lib/ConfigContext";
import { embeddedSignup } from "../../lib/embeddedSignup";
import { ErrorMessage, Link, useDocumentTitle } from "../../lib/ui";
import { useAddNumber, type AddedNumber, type OnboardingStep } from "./onboarding";

/** The steps of adding a number at the hub, in order (the number's `onboarding_step` names the next one). */
const STEPS: { step: OnboardingStep; label: string }[] = [
  { step: "exchange_code", label: "Exchange the signup code" },
  { step: "subscribe_app", label: "Connect the hub to your WhatsApp Business Account" },
  { step: "register", label: "Register the number" },
  { step: "read_details", label: "Read the number's details" },
  { step: "await_connection", label: "Wait until Meta connects the number" },
];
const POLL_MS = 4000;
const MAX_POLLS = 15;

interface SignupBody {
  code: string;
  waba_id: string;
  phone_number_id: string;
}
type Stage =
  | { name: "start" }
  | { name: "signup" }
  | { name: "cancelled" }
  | { name: "failed"; message: string }
  | { name: "adding"; body: SignupBody; number?: AddedNumber; polls: number }
  | { name: "refused"; error: unknown }
  | { name: "done"; number: AddedNumber };

/**
 * "Add number" (seed, "Add a Number"): "Continue with Facebook" runs Meta's Embedded Signup (the SDK in AWS, the Meta
 * sandbox's consent page locally), then the hub sets the number up (`POST /v1/numbers`), posted again while Meta has
 * not connected it, until it runs.
 */
export function AddNumberPage() {
  const config = useConfig();
  const signup = useMemo(() => embeddedSignup(config.embeddedSignup, config.metaAppId), [config]);
  useEffect(() => {
    signup.prepare();
  }, [signup]);
  const { mutateAsync: addNumber, isPending: posting } = useAddNumber();
  const [stage, setStage] = useState<Stage>({ name: "start" });
  const outcome = useRef<HTMLHeadingElement>(null);
  useDocumentTitle("Add a number");

  const post = useCallback(
    async (body: SignupBody, polls: number) => {
      try {
        const number = await addNumber(body);
        setStage(number.onboarding_step ? { name: "adding", body, number, polls } : { name: "done", number });
      } catch (error) {
        setStage({ name: "refused", error });
      }
    },
    [addNumber],
  );

  async function start() {
    setStage({ name: "signup" });
    const result = await signup.run();
    if (result.outcome === "cancelled") setStage({ name: "cancelled" });
    else if (result.outcome === "failed") setStage({ name: "failed", message: result.message });
    else {
      const body = { code: result.code, waba_id: result.wabaId, phone_number_id: result.phoneNumberId };
      setStage({ name: "adding", body, polls: 0 });
      await post(body, 0);
    }
  }

  // a number Meta has not connected yet: post again a little later, as the API asks
  const waiting = stage.name === "adding" && stage.number !== undefined && stage.polls < MAX_POLLS ? stage : null;
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => void post(waiting.body, waiting.polls + 1), POLL_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [waiting, post]);

  // the outcome of a step the user waited for takes the focus, so it is read out and the next control is near
  useEffect(() => {
    if (["cancelled", "failed", "refused", "done"].includes(stage.name)) outcome.current?.focus();
  }, [stage.name]);

  return (
    <>
      <p>
        <Link href="/numbers">Back to numbers</Link>
      </p>
      <h1>Add a number</h1>
      {stage.name === "done" ? (
        <Done number={stage.number} heading={outcome} />
      ) : stage.name === "adding" ? (
        <Progress
          number={stage.number}
          stopped={stage.polls >= MAX_POLLS}
          pending={posting}
          onRetry={() => void post(stage.body, 0)}
        />
      ) : (
        <>
          <p>
            Connect a phone number with Meta&apos;s Embedded Signup: a Facebook window opens where you choose your
            business, its WhatsApp Business Account and the number. The hub then registers the number. Each number you
            add is charged from the moment it runs.
          </p>
          {stage.name === "cancelled" ? (
            <div className="notice">
              <h2 ref={outcome} tabIndex={-1} className="notice-title">
                Embedded Signup was cancelled
              </h2>
              <p>The Facebook window was closed before the signup finished, so no number was added.</p>
            </div>
          ) : null}
          {stage.name === "failed" || stage.name === "refused" ? (
            <div className="outcome">
              <h2 ref={outcome} tabIndex={-1} className="visually-hidden">
                The number was not added
              </h2>
              <ErrorMessage error={stage.name === "failed" ? new Error(stage.message) : stage.error} />
            </div>
          ) : null}
          <Button className="button primary" isDisabled={stage.name === "signup"} onPress={() => void start()}>
            {stage.name === "signup" ? "Waiting for Facebook…" : "Continue with Facebook"}
          </Button>
          {stage.name === "signup" ? (
            <p role="status" className="muted">
              Finish the steps in the Facebook window. Closing it cancels the signup.
            </p>
          ) : null}
        </>
      )}
    </>
  );
}

function Progress({
  number,
  stopped,
  pending,
  onRetry,
}: {
  number: AddedNumber | undefined;
  stopped: boolean;
  pending: boolean;
  onRetry: () => void;
}) {
  const next = number?.onboarding_step ?? "exchange_code";
  const current = STEPS.findIndex((step) => step.step === next);
  return (
    <section aria-labelledby="adding-heading" className="card">
      <h2 id="adding-heading">Adding {number?.display_phone_number ?? "the number"}</h2>
      <progress
        aria-labelledby="adding-heading"
        {...(number ? { value: current, max: STEPS.length } : {})}
        className="progress"
      />
      <ol className="steps">
        {STEPS.map((step, index) => (
          <li
            key={step.step}
            aria-current={index === current ? "step" : undefined}
            className={index < current ? "step-done" : index === current ? "step-current" : undefined}
          >
            {step.label}
            {index < current ? <span className="visually-hidden"> (done)</span> : null}
          </li>
        ))}
      </ol>
      <p role="status">
        {stopped
          ? "Meta has not connected the number yet. It is listed as Onboarding in your numbers; check again later."
          : number
            ? "Waiting for Meta: the hub asks again every few seconds."
            : "Setting the number up with Meta. This can take up to half a minute."}
      </p>
      {number?.onboarding_error ? <p className="muted">Meta&apos;s last answer: {number.onboarding_error}</p> : null}
      {stopped ? (
        <Button className="button" isDisabled={pending} onPress={onRetry}>
          Check again
        </Button>
      ) : null}
    </section>
  );
}

function Done({ number, heading }: { number: AddedNumber; heading: RefObject<HTMLHeadingElement | null> }) {
  return (
    <section aria-labelledby="added-heading" className="card">
      <h2 id="added-heading" ref={heading} tabIndex={-1}>
        {number.display_phone_number} is running
      </h2>
      <p>
        The number was added{number.display_name ? ` as “${number.display_name}”` : ""} and can send and receive
        messages. Meta reviews its display name.
      </p>
      <p>
        <Link href="/numbers">Go to your numbers</Link>
      </p>
    </section>
  );
}
