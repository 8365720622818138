import { useEffect, useState, type SyntheticEvent } from "react";
import { Button, Form, SwitchButton, SwitchField } from "react-aria-components";
import { useNavigate } from "react-router";

import { ApiError } from "../../lib/api";
import { BusyButton, ErrorMessage, Link, Loading } from "../../lib/ui";
import { TemplateRefused, usePreview, useSaveTemplate, type Template } from "./api";
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
import { editAllowance } from "./edits";
import { SelectField } from "../../lib/SelectField";
import { Examples, TextInput } from "./fields";
import { MessageBubble } from "./MessageBubble";
import type { Done } from "./TemplatesPage";
import { editLimitNote, LANGUAGES, languageName, retryIn, type Outcome } from "./wording";
import "./templates.css";

/** How long the preview waits after the last key before it asks the hub. */
const PREVIEW_DEBOUNCE_MS = 400;

/**
 * What the form is for: a new template; an edit of `template` (its name and language stay; an APPROVED one keeps
 * its category); or a new language of `template`'s name, starting from its components to translate them (`taken`:
 * the languages the name has).
 */
export type EditorMode =
  | { kind: "create" }
  | { kind: "edit"; template: Template; form: TemplateForm }
  | { kind: "language"; template: Template; form: TemplateForm; taken: readonly string[] };

const CATEGORY_OPTIONS = [
  ["UTILITY", "Utility (orders, accounts)"],
  ["MARKETING", "Marketing (offers, news)"],
] as const;

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
 * The template form beside its live preview (`POST …/templates/preview`, asked as you type, with Meta's rules it
 * breaks and the warnings next to their fields): name, language, category, header, body, footer, quick replies and
 * an example for each variable. What it saves, and which fields are fixed, depends on `mode`; once saved the list
 * (`back`) says what happened.
 */
export function TemplateEditor({ wabaId, back, mode }: { wabaId: string; back: string; mode: EditorMode }) {
  const navigate = useNavigate();
  const [form, setForm] = useState<TemplateForm>(() =>
    mode.kind === "create" ? EMPTY_FORM : mode.kind === "edit" ? mode.form : { ...mode.form, language: "" },
  );
  const [touched, setTouched] = useState<FormField[]>([]);
  const [attempted, setAttempted] = useState(false);
  const [sentSources, setSentSources] = useState<FormField[]>([]);
  const [openedAt] = useState(() => new Date());
  const save = useSaveTemplate(
    wabaId,
    mode.kind === "create"
      ? { kind: "create" }
      : mode.kind === "edit"
        ? {
            kind: "edit",
            name: mode.template.name,
            language: mode.template.language,
            category: mode.template.category,
            parameterFormat: mode.template.parameter_format,
          }
        : { kind: "language", name: mode.template.name },
  );

  const settled = useDebounced(form, PREVIEW_DEBOUNCE_MS);
  const asked = contentOf(
    mode.kind === "language" && !settled.language ? { ...settled, language: mode.template.language } : settled,
  );
  const preview = usePreview(wabaId, asked.content);
  const review = preview.data;
  const checking = preview.isFetching || JSON.stringify(settled) !== JSON.stringify(form);

  const errors = problemsByField(review?.errors ?? [], asked.sources);
  const warnings = problemsByField(review?.warnings ?? [], asked.sources);
  const refusal = save.error instanceof ApiError ? save.error : undefined;
  const refused = problemsByField(
    (refusal?.errors ?? []).map((error) => ({ field: error.field, message: error.message })),
    sentSources,
  );
  const [languageMissing, setLanguageMissing] = useState(false);
  const shown = (field: FormField) =>
    attempted ||
    touched.includes(field) ||
    (field.endsWith("-examples") && touched.includes(field.split("-")[0] as FormField));
  const problemOf = (field: FormField): string | undefined => {
    const messages = [...(refused.byField[field] ?? []), ...(shown(field) ? (errors.byField[field] ?? []) : [])];
    if (field === "language" && languageMissing && !form.language) messages.unshift("Choose the new language.");
    return messages.length > 0 ? [...new Set(messages)].join(" ") : undefined;
  };
  const warningOf = (field: FormField): string | undefined => warnings.byField[field]?.join(" ");

  function edit(field: FormField, change: Partial<TemplateForm>) {
    setForm((before) => ({ ...before, ...change }));
    if (!touched.includes(field)) setTouched([...touched, field]);
    if (save.isError) save.reset();
  }

  function send(submit: boolean) {
    if (save.isPending) return;
    setAttempted(true);
    if (mode.kind === "language" && !form.language) {
      setLanguageMissing(true);
      return;
    }
    const { content, sources } = contentOf(form);
    setSentSources(sources);
    save.mutate(
      { content, submit },
      {
        onSuccess: (template) => {
          const action = mode.kind === "create" ? "created" : mode.kind === "edit" ? "edited" : "language-added";
          const outcome: Outcome = {
            action,
            name: template.name,
            language: template.language,
            status: template.status,
          };
          const state: Done = { outcome };
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
  const template = mode.kind === "create" ? undefined : mode.template;
  const draft = template?.status === "DRAFT";
  const approved = mode.kind === "edit" && template?.status === "APPROVED";
  const taken = mode.kind === "language" ? mode.taken : [];
  const languages =
    mode.kind === "edit"
      ? [form.language]
      : LANGUAGES.filter((code) => code === form.language || !taken.includes(code));

  return (
    <div className="create-layout">
      <Form
        onSubmit={submitForm}
        validationBehavior="aria"
        className="form template-form"
        aria-label={mode.kind === "create" ? "New template" : mode.kind === "edit" ? "Edit template" : "New language"}
      >
        <TextInput
          label="Name"
          hint={
            mode.kind === "create"
              ? "Lowercase letters, digits and underscores, such as order_shipped."
              : "A template keeps its name: replicate it to use another."
          }
          value={form.name}
          problem={problemOf("name")}
          warning={warningOf("name")}
          onChange={(name) => {
            edit("name", { name: nameAsTyped(name) });
          }}
          isRequired
          isReadOnly={mode.kind !== "create"}
        />
        <SelectField
          label={mode.kind === "language" ? "New language" : "Language"}
          value={form.language}
          options={[
            ...(mode.kind === "language" && !form.language ? [["", "Choose a language…"] as const] : []),
            ...languages.map((code) => [code, languageName(code)] as const),
          ]}
          onChange={(language) => {
            edit("language", { language });
          }}
          isDisabled={mode.kind === "edit"}
          hint={
            mode.kind === "edit"
              ? "A template keeps its language: add another language to the name instead."
              : mode.kind === "language"
                ? `The text below is the ${languageName(mode.template.language)} one: translate it. The name already has ${taken.join(", ")}.`
                : undefined
          }
          problem={problemOf("language")}
        />
        <SelectField
          label="Category"
          value={form.category}
          options={CATEGORY_OPTIONS}
          onChange={(category) => {
            edit("category", { category: category === "MARKETING" ? "MARKETING" : "UTILITY" });
          }}
          isDisabled={approved || mode.kind === "language"}
          hint={
            approved
              ? "Locked: Meta does not let an approved template change its category (replicate it into another category instead)."
              : mode.kind === "language"
                ? "Every language of a name has the name's category."
                : undefined
          }
          problem={problemOf("category")}
        />
        {mode.kind === "create" ? (
          <SwitchField
            isSelected={form.allowCategoryChange}
            onChange={(allowCategoryChange) => {
              edit("category", { allowCategoryChange });
            }}
          >
            <SwitchButton className="switch">Let Meta change the category rather than reject the template</SwitchButton>
          </SwitchField>
        ) : null}
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
        {mode.kind === "edit" && approved ? (
          <p className="notice" role="note">
            {editLimitNote(editAllowance(mode.template.edits ?? [], openedAt))}
          </p>
        ) : null}
        {mode.kind === "edit" && !draft ? (
          <p className="small muted">
            Saving sends the template to Meta&apos;s review again: it is Pending until then.
          </p>
        ) : null}
        {save.isError ? <Refusal error={save.error} change={mode.kind} rest={refused.rest} /> : null}
        <div className="form-actions">
          <BusyButton
            type="submit"
            className="button primary"
            isBusy={save.isPending && save.variables.submit}
            busyLabel="Submitting…"
          >
            {mode.kind === "edit"
              ? draft
                ? "Save and submit for review"
                : "Submit changes for review"
              : "Submit for review"}
          </BusyButton>
          {mode.kind !== "edit" || draft ? (
            <BusyButton
              className="button"
              isBusy={save.isPending && !save.variables.submit}
              busyLabel="Saving…"
              onPress={() => {
                send(false);
              }}
            >
              Save draft
            </BusyButton>
          ) : null}
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

/** What was refused: the form's saves, a copy or a draft's submission. */
export type Change = EditorMode["kind"] | "copy" | "submit";

const REFUSALS: Record<Change, { invalid?: string; conflict: string; limit: string; other: string }> = {
  create: {
    conflict: "The template cannot be created",
    limit: "Too many templates created for now",
    other: "The template was not created",
  },
  edit: {
    conflict: "The template cannot be edited",
    limit: "Meta allows no more edits of this template for now",
    other: "The template was not changed",
  },
  language: {
    conflict: "The language cannot be added",
    limit: "Too many templates created for now",
    other: "The language was not added",
  },
  copy: {
    conflict: "The copy cannot be made",
    limit: "Too many templates created for now",
    other: "The template was not copied",
  },
  submit: {
    invalid: "Edit the draft first: Meta would reject it",
    conflict: "The draft cannot be submitted",
    limit: "Too many templates created for now",
    other: "The draft was not submitted",
  },
};

/**
 * Why the hub or Meta refused a change: the problem, those of its problems that are about no field shown (`rest`),
 * and for a limit when to try again.
 */
export function Refusal({
  error,
  change,
  rest = [],
}: {
  error: unknown;
  change: Change;
  rest?: readonly { field: string; message: string }[];
}) {
  const words = REFUSALS[change];
  const status = error instanceof ApiError ? error.status : undefined;
  const title =
    status === 422
      ? (words.invalid ?? "Correct the fields marked")
      : status === 409
        ? words.conflict
        : status === 429
          ? words.limit
          : words.other;
  return (
    <>
      <ErrorMessage error={error} title={title} />
      {rest.length > 0 ? (
        <ul className="review-list field-error">
          {rest.map((problem) => (
            <li key={`${problem.field}-${problem.message}`}>{problem.message}</li>
          ))}
        </ul>
      ) : null}
      {error instanceof TemplateRefused && error.retryAfter ? (
        <p className="field-error">Try again in {retryIn(error.retryAfter)}.</p>
      ) : null}
    </>
  );
}
