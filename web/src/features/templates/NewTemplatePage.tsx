import { useEffect, useId, useState, type ReactNode, type SyntheticEvent } from "react";
import {
  Button,
  FieldError,
  Form,
  Input,
  Label,
  SwitchButton,
  SwitchField,
  Text,
  TextArea,
  TextField,
} from "react-aria-components";
import { useNavigate, useParams } from "react-router";

import { ApiError } from "../../lib/api";
import { BusyButton, ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { CreateRefused, mayWriteTemplates, useCreateTemplate, usePreview } from "./api";
import {
  contentOf,
  EMPTY_FORM,
  MAX_QUICK_REPLIES,
  nameAsTyped,
  problemsByField,
  variablesOf,
  type FormField,
  type TemplateForm,
} from "./content";
import { MessageBubble } from "./MessageBubble";
import { templatesBase } from "./paths";
import type { Created } from "./TemplatesPage";
import { LANGUAGES, languageName } from "./wording";
import "./templates.css";

/** How long the preview waits after the last key before it asks the hub. */
const PREVIEW_DEBOUNCE_MS = 400;

/** `value`, once it has stayed the same (by its JSON) for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettled(JSON.parse(key) as T);
    }, ms);
    return () => {
      clearTimeout(timer);
    };
  }, [key, ms]);
  return settled;
}

/**
 * Create a template (seed, "Create and preview new template messages"): name, language, category, header, body,
 * footer and quick replies, an example for each variable, and beside it the message as the customer would see it,
 * asked of the hub as you type (`POST …/templates/preview`) with Meta's rules it breaks and the warnings next to
 * their fields. "Submit for review" sends it to Meta; "Save draft" keeps it in the hub.
 */
export function NewTemplatePage() {
  const { clientId, wabaId = "" } = useParams();
  const me = useMe();
  useDocumentTitle("Create template");
  const back = templatesBase(clientId, wabaId);
  return (
    <>
      <p>
        <Link href={back}>Back to templates</Link>
      </p>
      <h1>Create template</h1>
      <p className="muted">WhatsApp Business Account {wabaId}</p>
      {me.isPending ? <Loading>Loading your account…</Loading> : null}
      {me.isError ? <ErrorMessage error={me.error} /> : null}
      {me.data ? (
        mayWriteTemplates(me.data, clientId) ? (
          <TemplateEditor wabaId={wabaId} back={back} />
        ) : (
          <p>You may read this account&apos;s templates, but not create them.</p>
        )
      ) : null}
    </>
  );
}

function TemplateEditor({ wabaId, back }: { wabaId: string; back: string }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<TemplateForm>(EMPTY_FORM);
  const [touched, setTouched] = useState<FormField[]>([]);
  const [attempted, setAttempted] = useState(false);
  const create = useCreateTemplate(wabaId);
  const [sentSources, setSentSources] = useState<FormField[]>([]);

  const settled = useDebounced(form, PREVIEW_DEBOUNCE_MS);
  const asked = contentOf(settled);
  const preview = usePreview(wabaId, asked.content);
  const review = preview.data;
  const checking = preview.isFetching || JSON.stringify(settled) !== JSON.stringify(form);

  const errors = problemsByField(review?.errors ?? [], asked.sources);
  const warnings = problemsByField(review?.warnings ?? [], asked.sources);
  const refusal = create.error instanceof ApiError ? create.error : undefined;
  const refused = problemsByField(
    (refusal?.errors ?? []).map((error) => ({ field: error.field, message: error.message })),
    sentSources,
  );
  const shown = (field: FormField) =>
    attempted ||
    touched.includes(field) ||
    (field.endsWith("-examples") && touched.includes(field.split("-")[0] as FormField));
  const problemOf = (field: FormField): string | undefined => {
    const messages = [...(refused.byField[field] ?? []), ...(shown(field) ? (errors.byField[field] ?? []) : [])];
    return messages.length > 0 ? [...new Set(messages)].join(" ") : undefined;
  };
  const warningOf = (field: FormField): string | undefined => warnings.byField[field]?.join(" ");

  function edit(field: FormField, change: Partial<TemplateForm>) {
    setForm((before) => ({ ...before, ...change }));
    if (!touched.includes(field)) setTouched([...touched, field]);
    if (create.isError) create.reset();
  }

  function send(submit: boolean) {
    if (create.isPending) return;
    setAttempted(true);
    const { content, sources } = contentOf(form);
    setSentSources(sources);
    create.mutate(
      { content, submit },
      {
        onSuccess: (template) => {
          const state: Created = {
            created: { name: template.name, language: template.language, status: template.status },
          };
          void navigate(back, { state });
        },
      },
    );
  }

  function submitForm(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    send(true);
  }

  const headerVariables = variablesOf(form.header);
  const bodyVariables = variablesOf(form.body);
  const languageId = useId();
  const languageErrorId = useId();
  const categoryId = useId();
  const categoryErrorId = useId();
  const languageProblem = problemOf("language");
  const categoryProblem = problemOf("category");

  return (
    <div className="create-layout">
      <Form onSubmit={submitForm} validationBehavior="aria" className="form template-form" aria-label="New template">
        <TextInput
          label="Name"
          hint="Lowercase letters, digits and underscores, such as order_shipped."
          value={form.name}
          problem={problemOf("name")}
          warning={warningOf("name")}
          onChange={(name) => {
            edit("name", { name: nameAsTyped(name) });
          }}
          isRequired
        />
        <div className="field">
          <label htmlFor={languageId}>Language</label>
          <select
            id={languageId}
            value={form.language}
            onChange={(event) => {
              edit("language", { language: event.target.value });
            }}
            aria-invalid={languageProblem ? true : undefined}
            aria-describedby={languageProblem ? languageErrorId : undefined}
          >
            {LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {languageName(code)}
              </option>
            ))}
          </select>
          {languageProblem ? (
            <p id={languageErrorId} className="field-error">
              {languageProblem}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={categoryId}>Category</label>
          <select
            id={categoryId}
            value={form.category}
            onChange={(event) => {
              edit("category", { category: event.target.value === "MARKETING" ? "MARKETING" : "UTILITY" });
            }}
            aria-invalid={categoryProblem ? true : undefined}
            aria-describedby={categoryProblem ? categoryErrorId : undefined}
          >
            <option value="UTILITY">Utility (orders, accounts)</option>
            <option value="MARKETING">Marketing (offers, news)</option>
          </select>
          {categoryProblem ? (
            <p id={categoryErrorId} className="field-error">
              {categoryProblem}
            </p>
          ) : null}
        </div>
        <SwitchField
          isSelected={form.allowCategoryChange}
          onChange={(allowCategoryChange) => {
            edit("category", { allowCategoryChange });
          }}
        >
          <SwitchButton className="switch">Let Meta change the category rather than reject the template</SwitchButton>
        </SwitchField>
        <TextInput
          label="Header (optional)"
          hint="Up to 60 characters and one variable."
          value={form.header}
          problem={problemOf("header")}
          warning={warningOf("header")}
          onChange={(header) => {
            edit("header", { header });
          }}
        />
        {headerVariables.length > 0 ? (
          <Examples
            legend="Examples for the header"
            where="header"
            variables={headerVariables}
            values={form.examples.header}
            problem={problemOf("header-examples")}
            onChange={(variable, value) => {
              edit("header", {
                examples: { ...form.examples, header: { ...form.examples.header, [variable]: value } },
              });
            }}
          />
        ) : null}
        <TextInput
          label="Body"
          hint="Up to 1,024 characters. Variables: {{1}}, {{2}}… Start and end with words."
          value={form.body}
          problem={problemOf("body")}
          warning={warningOf("body")}
          onChange={(body) => {
            edit("body", { body });
          }}
          multiline
          isRequired
        />
        {bodyVariables.length > 0 ? (
          <Examples
            legend="Examples for the body"
            where="body"
            variables={bodyVariables}
            values={form.examples.body}
            problem={problemOf("body-examples")}
            onChange={(variable, value) => {
              edit("body", { examples: { ...form.examples, body: { ...form.examples.body, [variable]: value } } });
            }}
          />
        ) : null}
        <TextInput
          label="Footer (optional)"
          hint="Up to 60 characters, no variables."
          value={form.footer}
          problem={problemOf("footer")}
          warning={warningOf("footer")}
          onChange={(footer) => {
            edit("footer", { footer });
          }}
        />
        {form.quickReplies.map((text, index) => (
          <div className="quick-reply" key={index}>
            <TextInput
              label={`Quick reply ${String(index + 1)}`}
              value={text}
              problem={problemOf(`quick-reply-${index}`)}
              warning={warningOf(`quick-reply-${index}`)}
              onChange={(value) => {
                edit(`quick-reply-${index}`, {
                  quickReplies: form.quickReplies.map((before, at) => (at === index ? value : before)),
                });
              }}
            />
            <Button
              className="button"
              onPress={() => {
                edit(`quick-reply-${index}`, { quickReplies: form.quickReplies.filter((_, at) => at !== index) });
              }}
            >
              Remove<span className="visually-hidden"> quick reply {index + 1}</span>
            </Button>
          </div>
        ))}
        {form.quickReplies.length < MAX_QUICK_REPLIES ? (
          <Button
            className="button"
            onPress={() => {
              setForm({ ...form, quickReplies: [...form.quickReplies, ""] });
            }}
          >
            Add quick reply
          </Button>
        ) : null}
        {create.isError ? <Refusal error={create.error} /> : null}
        <div className="form-actions">
          <BusyButton
            type="submit"
            className="button primary"
            isBusy={create.isPending && create.variables.submit}
            busyLabel="Submitting…"
          >
            Submit for review
          </BusyButton>
          <BusyButton
            className="button"
            isBusy={create.isPending && !create.variables.submit}
            busyLabel="Saving…"
            onPress={() => {
              send(false);
            }}
          >
            Save draft
          </BusyButton>
          <Link href={back} className="button">
            Cancel
          </Link>
        </div>
      </Form>
      <section aria-labelledby="preview-heading" className="card preview-pane" aria-busy={checking}>
        <h2 id="preview-heading">Preview</h2>
        {review ? (
          <MessageBubble preview={review.preview} label="Preview of the message" />
        ) : preview.isError ? (
          <ErrorMessage error={preview.error} title="The preview could not be made" />
        ) : (
          <Loading>Making the preview…</Loading>
        )}
        <p role="status" className="small">
          {checking
            ? "Checking…"
            : review
              ? review.valid
                ? "Meta's rules that the hub checks are kept."
                : `${String(review.errors.length)} ${review.errors.length === 1 ? "rule is" : "rules are"} broken: see the fields marked.`
              : null}
        </p>
        {review && review.warnings.length > 0 ? (
          <>
            <h3>What Meta&apos;s review may object to</h3>
            <ul className="review-list">
              {review.warnings.map((warning) => (
                <li key={`${warning.field}-${warning.code}`}>{warning.message}</li>
              ))}
            </ul>
          </>
        ) : null}
        {errors.rest.length > 0 ? (
          <ul className="review-list field-error" aria-label="Other problems">
            {errors.rest.map((error) => (
              <li key={`${error.field}-${error.message}`}>{error.message}</li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}

/** Why the hub or Meta refused the template: the problem, and for a limit when to try again. */
function Refusal({ error }: { error: unknown }) {
  const title =
    error instanceof ApiError
      ? error.status === 422
        ? "Correct the fields marked"
        : error.status === 409
          ? "The template cannot be created"
          : error.status === 429
            ? "Too many templates created for now"
            : "The template was not created"
      : "The template was not created";
  return (
    <>
      <ErrorMessage error={error} title={title} />
      {error instanceof CreateRefused && error.retryAfter ? (
        <p className="field-error">
          Try again in{" "}
          {error.retryAfter >= 120
            ? `${String(Math.ceil(error.retryAfter / 60))} minutes`
            : `${String(error.retryAfter)} seconds`}
          .
        </p>
      ) : null}
    </>
  );
}

/** A text field of the form with its hint, the broken rule beside it (an error) and Meta's likely objection. */
function TextInput({
  label,
  hint,
  value,
  problem,
  warning,
  onChange,
  multiline = false,
  isRequired = false,
}: {
  label: string;
  hint?: string;
  value: string;
  problem: string | undefined;
  warning: string | undefined;
  onChange: (value: string) => void;
  multiline?: boolean;
  isRequired?: boolean;
}) {
  return (
    <TextField
      value={value}
      onChange={onChange}
      isRequired={isRequired}
      isInvalid={problem !== undefined}
      className="field"
    >
      <Label>{label}</Label>
      {multiline ? <TextArea rows={5} /> : <Input />}
      {hint || warning ? (
        <Text slot="description">
          {hint}
          {warning ? <span className="field-warning block">Warning: {warning}</span> : null}
        </Text>
      ) : null}
      <FieldError className="field-error">{problem}</FieldError>
    </TextField>
  );
}

/** An example for each variable of a text, which Meta's reviewers see in place of it. */
function Examples({
  legend,
  where,
  variables,
  values,
  problem,
  onChange,
}: {
  legend: string;
  where: string;
  variables: string[];
  values: Record<string, string>;
  problem: string | undefined;
  onChange: (variable: string, value: string) => void;
}): ReactNode {
  const problemId = useId();
  return (
    <fieldset className="examples" aria-describedby={problem ? problemId : undefined}>
      <legend>{legend}</legend>
      {variables.map((variable) => (
        <TextField
          key={variable}
          value={values[variable] ?? ""}
          onChange={(value) => {
            onChange(variable, value);
          }}
          className="field"
        >
          <Label>
            Example of {`{{${variable}}}`} in the {where}
          </Label>
          <Input />
        </TextField>
      ))}
      {problem ? (
        <p id={problemId} className="field-error">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
