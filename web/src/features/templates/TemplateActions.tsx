import { useState, type SyntheticEvent } from "react";
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Form,
  Heading,
  Label,
  Modal,
  ModalOverlay,
  RadioButton,
  RadioField,
  RadioGroup,
} from "react-aria-components";
import { useParams } from "react-router";

import { ApiError } from "../../lib/api";
import { BusyButton, ErrorMessage, Link, Loading } from "../../lib/ui";
import {
  useClientWabas,
  useCopyTemplate,
  useDeleteTemplate,
  useSubmitDraft,
  useTemplateLanguages,
  type Template,
} from "./api";
import { formOf, nameAsTyped } from "./content";
import { SelectField } from "../../lib/SelectField";
import { TextInput } from "./fields";
import { templatesBase } from "./paths";
import { Refusal } from "./TemplateEditor";
import {
  LANGUAGES,
  languageName,
  notDeletableReason,
  notEditableReason,
  reservationWarning,
  type Outcome,
} from "./wording";

/**
 * What may be done with a template, under its details (for those who may write the client's templates): Edit and Add
 * language (the template form), Submit a draft, Replicate it (another name, language or WABA) and Delete it. A
 * change done here closes the details; `onDone` tells the list what happened.
 */
export function TemplateActions({ template, onDone }: { template: Template; onDone: (outcome: Outcome) => void }) {
  const { clientId } = useParams();
  const base = `${templatesBase(clientId, template.waba_id)}/${encodeURIComponent(template.name)}/${encodeURIComponent(template.language)}`;
  const notEditable = notEditableReason(template.status);
  const held = formOf(template);
  const unsupported = "unsupported" in held ? held.unsupported : undefined;
  const notDeletable = notDeletableReason(template.status);
  const which = (
    <span className="visually-hidden">
      {" "}
      {template.name} ({template.language})
    </span>
  );
  return (
    <section aria-label="Actions" className="template-actions">
      <div className="dialog-actions">
        {template.status === "DRAFT" ? <SubmitDraft template={template} onDone={onDone} /> : null}
        {!notEditable && !unsupported ? (
          <Link href={`${base}/edit`} className="button">
            Edit{which}
          </Link>
        ) : null}
        {!unsupported ? (
          <Link href={`${base}/add-language`} className="button">
            Add language<span className="visually-hidden"> to {template.name}</span>
          </Link>
        ) : null}
        <Replicate template={template} onDone={onDone} />
        {!notDeletable ? <Delete template={template} onDone={onDone} /> : null}
      </div>
      {notEditable || unsupported || notDeletable ? (
        <ul className="small muted action-notes">
          {notEditable ? <li>Edit: {notEditable}</li> : null}
          {unsupported ? (
            <li>Edit and Add language: the portal&apos;s form writes text templates; this one has {unsupported}.</li>
          ) : null}
          {notDeletable ? <li>Delete: {notDeletable}</li> : null}
        </ul>
      ) : null}
    </section>
  );
}

/** Submit a draft to Meta's review, at once (it is only sent, not changed). */
function SubmitDraft({ template, onDone }: { template: Template; onDone: (outcome: Outcome) => void }) {
  const submit = useSubmitDraft(template.waba_id, template.name, template.language);
  return (
    <>
      <BusyButton
        className="button primary"
        isBusy={submit.isPending}
        busyLabel="Submitting…"
        onPress={() => {
          settle(submit.mutateAsync(undefined), (sent) => {
            onDone({ action: "submitted", name: sent.name, language: sent.language, status: sent.status });
          });
        }}
      >
        Submit for review
      </BusyButton>
      {submit.isError ? (
        <Refusal
          error={submit.error}
          change="submit"
          rest={submit.error instanceof ApiError ? submit.error.errors : []}
        />
      ) : null}
    </>
  );
}

/**
 * Replicate (the WABA Manager's Duplicate): a copy of the template under another name, in another language or in
 * another WhatsApp Business Account of the client, submitted now or kept as a draft. The source stays as it is.
 */
function Replicate({ template, onDone }: { template: Template; onDone: (outcome: Outcome) => void }) {
  const { clientId } = useParams();
  const copy = useCopyTemplate(template.waba_id, template.name, template.language);
  const wabas = useClientWabas(clientId);
  const [name, setName] = useState(template.name);
  const [language, setLanguage] = useState(template.language);
  const [wabaId, setWabaId] = useState(template.waba_id);
  const [when, setWhen] = useState<"submit" | "draft">("submit");
  const [same, setSame] = useState(false);

  const refusal = copy.error instanceof ApiError ? copy.error : undefined;
  const problem = (field: string) => {
    const messages = refusal?.fieldErrors(field) ?? [];
    return messages.length > 0 ? messages.join(" ") : undefined;
  };
  const rest = (refusal?.errors ?? []).filter(
    (error) => !["name", "language", "waba_id"].includes(error.field.replace(/^body\./, "")),
  );
  const otherWabas = (wabas.data ?? []).filter((waba) => waba.wabaId !== template.waba_id);

  function reset() {
    setName(template.name);
    setLanguage(template.language);
    setWabaId(template.waba_id);
    setWhen("submit");
    setSame(false);
    copy.reset();
  }

  function change(set: () => void) {
    set();
    setSame(false);
    if (copy.isError) copy.reset();
  }

  function send(event: SyntheticEvent<HTMLFormElement>, close: () => void) {
    event.preventDefault();
    if (copy.isPending) return;
    if (name === template.name && language === template.language && wabaId === template.waba_id) {
      setSame(true);
      return;
    }
    const copying = copy.mutateAsync({
      ...(name !== template.name ? { name } : {}),
      ...(language !== template.language ? { language } : {}),
      ...(wabaId !== template.waba_id ? { waba_id: wabaId } : {}),
      submit: when === "submit",
    });
    settle(copying, (copied) => {
      close();
      onDone({
        action: "copied",
        name: copied.name,
        language: copied.language,
        status: copied.status,
        ...(copied.waba_id !== template.waba_id ? { otherWaba: copied.waba_id } : {}),
      });
    });
  }

  return (
    <DialogTrigger
      onOpenChange={(open) => {
        if (!open) reset();
      }}
    >
      <Button className="button">
        Replicate
        <span className="visually-hidden">
          {" "}
          {template.name} ({template.language})
        </span>
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable={!copy.isPending}>
        <Modal className="modal template-dialog">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">
                  Replicate {template.name} · {template.language}
                </Heading>
                <p>
                  A copy with the same content and category, under another name, in another language or in another
                  WhatsApp Business Account. The template itself stays as it is.
                </p>
                <Form
                  className="form"
                  validationBehavior="aria"
                  aria-label="Copy"
                  onSubmit={(event) => {
                    send(event, close);
                  }}
                >
                  <TextInput
                    label="Name of the copy"
                    hint="Lowercase letters, digits and underscores."
                    value={name}
                    problem={
                      same
                        ? "Change the name, the language or the account: the copy must differ from the template."
                        : problem("name")
                    }
                    onChange={(value) => {
                      change(() => {
                        setName(nameAsTyped(value));
                      });
                    }}
                    isRequired
                  />
                  <SelectField
                    label="Language of the copy"
                    value={language}
                    options={LANGUAGES.map((code) => [code, languageName(code)] as const)}
                    onChange={(value) => {
                      change(() => {
                        setLanguage(value);
                      });
                    }}
                    hint="The text is copied as it is: edit the copy to translate it."
                    problem={problem("language")}
                  />
                  <SelectField
                    label="WhatsApp Business Account"
                    value={wabaId}
                    options={[
                      [template.waba_id, `${template.waba_id} (this one)`],
                      ...otherWabas.map(
                        ({ wabaId: other, phones }) => [other, `${other} (${phones.join(", ")})`] as const,
                      ),
                    ]}
                    onChange={(value) => {
                      change(() => {
                        setWabaId(value);
                      });
                    }}
                    hint={
                      wabas.isPending
                        ? "Loading the client's other accounts…"
                        : otherWabas.length === 0
                          ? "The client has no other WhatsApp Business Account."
                          : undefined
                    }
                    problem={problem("waba_id")}
                  />
                  <RadioGroup
                    value={when}
                    onChange={(value) => {
                      setWhen(value === "draft" ? "draft" : "submit");
                    }}
                    className="field radio-group"
                  >
                    <Label>Meta&apos;s review</Label>
                    <div className="radios">
                      <RadioField value="submit">
                        <RadioButton className="radio">Submit now for Meta&apos;s review</RadioButton>
                      </RadioField>
                      <RadioField value="draft">
                        <RadioButton className="radio">Save as a draft</RadioButton>
                      </RadioField>
                    </div>
                    <FieldError className="field-error" />
                  </RadioGroup>
                  {copy.isError ? <Refusal error={copy.error} change="copy" rest={rest} /> : null}
                  <div className="dialog-actions">
                    <Button className="button" onPress={close} isDisabled={copy.isPending}>
                      Cancel
                    </Button>
                    <BusyButton type="submit" className="button primary" isBusy={copy.isPending} busyLabel="Copying…">
                      Replicate
                    </BusyButton>
                  </div>
                </Form>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/**
 * Delete (a confirmation first): this language only, or the name in every language; it says what goes and, for an
 * approved template, that Meta keeps the name for 30 days.
 */
function Delete({ template, onDone }: { template: Template; onDone: (outcome: Outcome) => void }) {
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<"one" | "all">("one");
  const [openedAt, setOpenedAt] = useState(() => new Date());
  const group = useTemplateLanguages(template.waba_id, template.name, open);
  const remove = useDeleteTemplate(template.waba_id, template.name);
  const languages = group.data?.languages ?? [template];
  const several = languages.length > 1;
  const doomed = scope === "all" || !several ? languages : [template];
  const reserved = doomed.some((one) => one.status === "APPROVED");

  return (
    <DialogTrigger
      isOpen={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setOpenedAt(new Date());
          setScope("one");
        } else remove.reset();
      }}
    >
      <Button className="button danger">
        Delete<span className="visually-hidden"> {template.name}</span>
      </Button>
      <ModalOverlay
        className="modal-overlay"
        isDismissable={!remove.isPending}
        isKeyboardDismissDisabled={remove.isPending}
      >
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title">Delete {template.name}?</Heading>
                {group.isPending ? <Loading>Loading the name&apos;s languages…</Loading> : null}
                {several ? (
                  <RadioGroup
                    value={scope}
                    onChange={(value) => {
                      setScope(value === "all" ? "all" : "one");
                    }}
                    className="field radio-group"
                  >
                    <Label>What to delete</Label>
                    <div className="radios stacked">
                      <RadioField value="one">
                        <RadioButton className="radio">Only {languageName(template.language)}</RadioButton>
                      </RadioField>
                      <RadioField value="all">
                        <RadioButton className="radio">
                          Every language of {template.name} ({languages.map((one) => one.language).join(", ")})
                        </RadioButton>
                      </RadioField>
                    </div>
                  </RadioGroup>
                ) : null}
                <p>
                  {doomed.length > 1
                    ? `This deletes “${template.name}” in all ${String(doomed.length)} languages: ${doomed.map((one) => one.language).join(", ")}.`
                    : several
                      ? `This deletes “${template.name}” (${template.language}) only; its other languages stay: ${others(languages, template)}.`
                      : `This deletes “${template.name}” (${template.language}), its only language.`}{" "}
                  Meta deletes it too: no message can be sent with it any more, and it cannot be undone.
                </p>
                {reserved ? (
                  <p className="notice" role="note">
                    {reservationWarning(template.name, openedAt)}
                  </p>
                ) : null}
                {remove.isError ? <ErrorMessage error={remove.error} title="The template was not deleted" /> : null}
                <div className="dialog-actions">
                  <Button className="button" onPress={close} isDisabled={remove.isPending}>
                    Keep it
                  </Button>
                  <BusyButton
                    className="button danger"
                    isBusy={remove.isPending}
                    busyLabel="Deleting…"
                    onPress={() => {
                      const language = several && scope === "all" ? undefined : template.language;
                      settle(remove.mutateAsync({ language }), () => {
                        close();
                        onDone(
                          language
                            ? { action: "deleted", name: template.name, language }
                            : { action: "deleted", name: template.name },
                        );
                      });
                    }}
                  >
                    {several && scope === "all" ? "Delete every language" : "Delete"}
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

/**
 * `then` once the change is done, even when this component is gone by then: the list it belongs to refreshes before
 * the change's promise settles (the mutation's own `onSuccess` waits for it), and a deleted template's row, with its
 * details, leaves the list — `mutate`'s per-call callbacks would then never run. A refusal is shown from the
 * mutation's state.
 */
function settle<T>(change: Promise<T>, then: (result: T) => void): void {
  change.then(then, () => undefined);
}

function others(languages: readonly Template[], template: Template): string {
  return languages
    .filter((one) => one.language !== template.language)
    .map((one) => one.language)
    .join(", ");
}
