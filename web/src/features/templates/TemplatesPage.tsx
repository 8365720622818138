import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import {
  Button,
  Dialog,
  DialogTrigger,
  Heading,
  Input,
  Label,
  Modal,
  ModalOverlay,
  SearchField,
  Text,
} from "react-aria-components";
import { useLocation, useParams } from "react-router";

import { BusyButton, ErrorMessage, Explained, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import {
  mayWriteTemplates,
  useSyncTemplates,
  useTemplates,
  type Template,
  type TemplateFilters,
  type TemplateStatus,
} from "./api";
import { nameAsTyped } from "./content";
import { SelectField } from "../../lib/SelectField";
import { MessageBubble, previewOf } from "./MessageBubble";
import { templatesBase } from "./paths";
import { TemplateActions } from "./TemplateActions";
import {
  CATEGORIES,
  categoryChange,
  categoryName,
  LANGUAGES,
  languageName,
  outcomeMessage,
  rejectionReason,
  STATUS_FILTERS,
  syncSummary,
  templateQuality,
  templateStatus,
  when,
  type Outcome,
} from "./wording";
import "./templates.css";

/** How long the name search waits after the last key before it asks. */
const SEARCH_DEBOUNCE_MS = 300;

/** What the create and edit pages hand back to the list (React Router's location state). */
export interface Done {
  outcome: Outcome;
}

/**
 * A WABA's Templates (seed, "Templates"; the WABA Manager's Templates tab): every template in every language from
 * the hub's mirror with its status, category, quality, and on the row Meta's rejection reason and category change;
 * filters and a name search; the details of each; a sync with Meta; and for those who may, "Create template" and in
 * each template's details its Edit, Add language, Replicate, Delete (and Submit for a draft).
 */
export function TemplatesPage() {
  const { clientId, wabaId = "" } = useParams();
  const me = useMe();
  const location = useLocation();
  const [outcome, setOutcome] = useState((location.state as Done | null)?.outcome);
  useDocumentTitle(`Templates of ${wabaId}`);
  const base = templatesBase(clientId, wabaId);
  const mayWrite = me.data ? mayWriteTemplates(me.data, clientId) : false;

  const [filters, setFilters] = useState<TemplateFilters>({ status: "", category: "", language: "", name: "" });
  const [search, setSearch] = useState("");
  useEffect(() => {
    const typed = nameAsTyped(search.trim());
    const timer = setTimeout(() => {
      setFilters((before) => (before.name === typed ? before : { ...before, name: typed }));
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [search]);

  return (
    <>
      <p>
        <Link href={clientId ? `/clients/${encodeURIComponent(clientId)}/numbers` : "/numbers"}>Back to numbers</Link>
      </p>
      <div className="page-heading">
        <h1>Templates</h1>
        <p className="muted">
          WhatsApp Business Account {wabaId}
          {clientId ? ` · client ${clientId}` : ""}
        </p>
        {mayWrite ? (
          <div className="page-actions">
            <Link href={`${base}/new`} className="button primary">
              Create template
            </Link>
          </div>
        ) : null}
      </div>
      <OutcomeNotice outcome={outcome} />
      <Sync wabaId={wabaId} />
      <div role="search" className="filters" aria-label="Filter the templates">
        <SearchField value={search} onChange={setSearch} className="field">
          <Label>Name</Label>
          <Input placeholder="Starts with…" />
          <Text slot="description">Names starting with this</Text>
        </SearchField>
        <Choice
          label="Status"
          value={filters.status}
          options={STATUS_FILTERS.map((status) => [status, templateStatus(status).label])}
          onChange={(status) => {
            setFilters({ ...filters, status: status as TemplateStatus | "" });
          }}
        />
        <Choice
          label="Category"
          value={filters.category}
          options={CATEGORIES.map((category) => [category, categoryName(category)])}
          onChange={(category) => {
            setFilters({ ...filters, category });
          }}
        />
        <Choice
          label="Language"
          value={filters.language}
          options={LANGUAGES.map((code) => [code, languageName(code)])}
          onChange={(language) => {
            setFilters({ ...filters, language });
          }}
        />
      </div>
      <TemplatesTable wabaId={wabaId} filters={filters} mayWrite={mayWrite} onDone={setOutcome} />
    </>
  );
}

/**
 * What was just done, said once (a live region); a change made from a template's details takes the keyboard focus
 * here, since the details (and, for a deletion, the row that opened them) are gone.
 */
function OutcomeNotice({ outcome }: { outcome: Outcome | undefined }) {
  const notice = useRef<HTMLParagraphElement>(null);
  const first = useRef(outcome);
  useEffect(() => {
    if (outcome && outcome !== first.current) notice.current?.focus();
  }, [outcome]);
  return (
    <p role="status" className={outcome ? "notice outcome" : "visually-hidden"} tabIndex={-1} ref={notice}>
      {outcome ? outcomeMessage(outcome) : null}
    </p>
  );
}

/** A filter: a labelled native select whose first option is "All". */
function Choice({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  return <SelectField label={label} value={value} options={[["", "All"], ...options]} onChange={onChange} />;
}

function Sync({ wabaId }: { wabaId: string }) {
  const sync = useSyncTemplates(wabaId);
  return (
    <section aria-label="Sync with Meta" className="sync">
      <BusyButton
        className="button"
        isBusy={sync.isPending}
        busyLabel="Syncing with Meta…"
        onPress={() => {
          sync.mutate();
        }}
      >
        Sync with Meta
      </BusyButton>
      <p role="status">
        {sync.isPending ? "Reading the templates Meta has…" : null}
        {sync.isSuccess ? `Synced: ${syncSummary(sync.data)}.` : null}
      </p>
      {sync.isError ? <ErrorMessage error={sync.error} title="The templates could not be synced" /> : null}
    </section>
  );
}

function TemplatesTable({
  wabaId,
  filters,
  mayWrite,
  onDone,
}: {
  wabaId: string;
  filters: TemplateFilters;
  mayWrite: boolean;
  onDone: (outcome: Outcome) => void;
}) {
  const templates = useTemplates(wabaId, filters);
  const captionId = useId();
  if (templates.isPending) return <Loading>Loading templates…</Loading>;
  if (templates.isError) return <ErrorMessage error={templates.error} title="The templates could not be loaded" />;

  const items = templates.data.pages.flatMap((page) => page.items);
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <table className="table" aria-labelledby={captionId} aria-busy={templates.isPlaceholderData}>
        <caption id={captionId} className="visually-hidden">
          Templates of WhatsApp Business Account {wabaId}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Language</th>
            <th scope="col">Category</th>
            <th scope="col">Status</th>
            <th scope="col">Quality</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={5}>{filtered ? "No template matches these filters." : "No templates yet."}</td>
            </tr>
          ) : (
            items.map((template) => (
              <TemplateRow
                key={`${template.name}/${template.language}`}
                template={template}
                mayWrite={mayWrite}
                onDone={onDone}
              />
            ))
          )}
        </tbody>
      </table>
      <div className="load-more">
        <p role="status" className="page-status">
          {items.length === 1 ? "1 template shown" : `${String(items.length)} templates shown`}
          {templates.hasNextPage ? "; there are more." : "."}
        </p>
        {templates.hasNextPage ? (
          <BusyButton
            className="button"
            isBusy={templates.isFetchingNextPage}
            busyLabel="Loading more…"
            onPress={() => {
              void templates.fetchNextPage();
            }}
          >
            Load more
          </BusyButton>
        ) : null}
      </div>
    </>
  );
}

/** The quality colours of the Numbers page: high green, medium amber, low red. */
const QUALITY_TONES: Record<string, string> = {
  approved: "good",
  pending: "warning",
  rejected: "bad",
  neutral: "neutral",
};

export function StatusPill({ status }: { status: string }) {
  const { label, tone, explanation } = templateStatus(status);
  return (
    <Explained explanation={explanation} className={`status-pill status-${tone}`}>
      {label}
    </Explained>
  );
}

function TemplateRow({
  template,
  mayWrite,
  onDone,
}: {
  template: Template;
  mayWrite: boolean;
  onDone: (outcome: Outcome) => void;
}) {
  const reason = rejectionReason(template.rejected_reason);
  const change = categoryChange(template);
  const quality = templateQuality(template.quality_score);
  return (
    <tr>
      <th scope="row">
        <TemplateDetails template={template} mayWrite={mayWrite} onDone={onDone} />
        {change ? <span className="row-note">{change}</span> : null}
      </th>
      <td>{template.language}</td>
      <td>{categoryName(template.category)}</td>
      <td>
        <StatusPill status={template.status} />
        {reason ? <span className="row-note bad">Reason: {reason}</span> : null}
      </td>
      <td>
        <span className={`badge tone-${QUALITY_TONES[quality.tone]}`}>
          <span className="dot" aria-hidden="true" />
          {quality.label}
        </span>
      </td>
    </tr>
  );
}

/**
 * The template's name, which opens its details: Meta's fields and the message as a customer sees it, and what those
 * who may write templates can do with it.
 */
function TemplateDetails({
  template,
  mayWrite,
  onDone,
}: {
  template: Template;
  mayWrite: boolean;
  onDone: (outcome: Outcome) => void;
}) {
  const reason = rejectionReason(template.rejected_reason);
  const change = categoryChange(template);
  return (
    <DialogTrigger>
      <Button className="link-button">
        {template.name}
        <span className="visually-hidden"> ({template.language}): details</span>
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal template-dialog">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">
                  {template.name} · {template.language}
                </Heading>
                <dl className="fields">
                  <Field name="Status">{templateStatus(template.status).label}</Field>
                  {reason ? <Field name="Rejection reason">{reason}</Field> : null}
                  {template.recommendation ? <Field name="Meta's advice">{template.recommendation}</Field> : null}
                  <Field name="Category">{categoryName(template.category)}</Field>
                  {change ? <Field name="Category change">{change}</Field> : null}
                  <Field name="Meta may change the category">{template.allow_category_change ? "Yes" : "No"}</Field>
                  <Field name="Quality">{templateQuality(template.quality_score).label}</Field>
                  <Field name="Language">{languageName(template.language)}</Field>
                  <Field name="Template ID">{template.template_id ?? "None yet (a draft)"}</Field>
                  <Field name="Variables">
                    {template.parameter_format === "NAMED" ? "Named ({{first_name}})" : "Numbered ({{1}})"}
                  </Field>
                  <Field name="Last submitted">{when(template.last_submitted_at)}</Field>
                  <Field name="Last synced with Meta">{when(template.synced_at)}</Field>
                  {template.edits && template.edits.length > 0 ? (
                    <Field name="Edits while approved (30 days)">{String(template.edits.length)}</Field>
                  ) : null}
                </dl>
                <h3>Message</h3>
                <MessageBubble preview={previewOf(template.components ?? [])} label="The message as sent" />
                {mayWrite ? (
                  <TemplateActions
                    template={template}
                    onDone={(outcome) => {
                      close();
                      onDone(outcome);
                    }}
                  />
                ) : null}
                <div className="dialog-actions">
                  <Button className="button" onPress={close}>
                    Close
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="field-row">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
