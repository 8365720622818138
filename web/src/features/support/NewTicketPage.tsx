import { useEffect, useRef, useState, type ReactNode, type SyntheticEvent } from "react";
import { FieldError, Form, Input, Label, Text, TextArea, TextField } from "react-aria-components";
import { useNavigate, useParams } from "react-router";

import { BusyButton, ErrorMessage, Link, useDocumentTitle } from "../../lib/ui";
import { useNumberChoices, useOpenTicket, type Ticket } from "./api";
import { SelectField } from "../../lib/SelectField";
import { FilePicker, UploadList, type Chosen } from "./Files";
import {
  serverProblems,
  SUBJECT_MAX,
  TEXT_MAX,
  ticketProblems,
  type Problems,
  type TicketDraft,
  type TicketField,
} from "./forms";
import { SupportGate } from "./Gate";
import { supportBase, ticketHref } from "./paths";
import { useUploads } from "./upload";
import { CATEGORIES, categoryName, PRIORITIES, priorityName } from "./wording";
import "./support.css";

/** What the new ticket's page is told when it was just opened (React Router's location state). */
export interface Opened {
  opened: string;
}

const EMPTY: TicketDraft = { subject: "", category: "", priority: "normal", numberId: "", description: "" };

/**
 * New ticket (the menu's Support → "New ticket"; seed, "Support: you can create a support ticket"): subject,
 * category, priority, the number it is about, a description and files. The ticket is opened first, then each file
 * is uploaded with its progress shown; without files the ticket's page opens at once.
 */
export function NewTicketPage() {
  const { clientId } = useParams();
  useDocumentTitle("New support ticket");
  return (
    <SupportGate clientId={clientId}>
      {() => (
        <>
          <p>
            <Link href={supportBase(clientId)}>Back to support tickets</Link>
          </p>
          <h1>New support ticket</h1>
          {clientId ? <p className="muted">For client {clientId}</p> : null}
          <NewTicketForm clientId={clientId} />
        </>
      )}
    </SupportGate>
  );
}

function NewTicketForm({ clientId }: { clientId: string | undefined }) {
  const [draft, setDraft] = useState<TicketDraft>(EMPTY);
  const [problems, setProblems] = useState<Problems<TicketField>>({});
  const [files, setFiles] = useState<Chosen[]>([]);
  const open = useOpenTicket(clientId);
  const uploads = useUploads();
  const navigate = useNavigate();
  const base = supportBase(clientId);
  const refused = serverProblems(open.error);
  const shown = (field: TicketField) => problems[field] ?? refused[field];

  function edit(change: Partial<TicketDraft>) {
    setDraft({ ...draft, ...change });
    setProblems({});
    if (open.isError) open.reset();
  }

  function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (open.isPending) return;
    const found = ticketProblems(draft);
    setProblems(found);
    if (Object.keys(found).length > 0 || !draft.category) return;
    open.mutate(
      { ...draft, category: draft.category },
      {
        onSuccess: (ticket) => {
          if (files.length === 0) {
            const state: Opened = { opened: ticket.subject };
            void navigate(ticketHref(base, ticket.ticket_id), { state });
          } else {
            void uploads.start(ticket.ticket_id, files);
          }
        },
      },
    );
  }

  if (open.isSuccess && files.length > 0) {
    return (
      <Created
        ticket={open.data}
        href={ticketHref(base, open.data.ticket_id)}
        uploads={
          <UploadList
            uploads={uploads.uploads}
            onRetry={(upload) => {
              uploads.retry(open.data.ticket_id, upload);
            }}
          />
        }
      />
    );
  }

  const unplaced = open.isError && Object.keys(refused).length === 0;
  return (
    <Form className="form ticket-form" onSubmit={submit} validationBehavior="aria">
      <TextField
        value={draft.subject}
        onChange={(subject) => {
          edit({ subject });
        }}
        maxLength={SUBJECT_MAX}
        isRequired
        isInvalid={shown("subject") !== undefined}
        className="field"
      >
        <Label>Subject</Label>
        <Input />
        <Text slot="description">One line, at most {SUBJECT_MAX} characters.</Text>
        <FieldError className="field-error">{shown("subject")}</FieldError>
      </TextField>
      <div className="field-group">
        <SelectField
          label="Category"
          value={draft.category}
          options={[["", "Choose…"], ...CATEGORIES.map((category) => [category, categoryName(category)] as const)]}
          problem={shown("category")}
          onChange={(category) => {
            edit({ category: CATEGORIES.find((known) => known === category) ?? "" });
          }}
        />
        <SelectField
          label="Priority"
          value={draft.priority}
          options={PRIORITIES.map((priority) => [priority, priorityName(priority).label] as const)}
          hint="Urgent: your messaging is down."
          problem={shown("priority")}
          onChange={(priority) => {
            edit({ priority: PRIORITIES.find((known) => known === priority) ?? "normal" });
          }}
        />
        <NumberChoice
          clientId={clientId}
          value={draft.numberId}
          problem={shown("numberId")}
          onChange={(numberId) => {
            edit({ numberId });
          }}
        />
      </div>
      <TextField
        value={draft.description}
        onChange={(description) => {
          edit({ description });
        }}
        maxLength={TEXT_MAX}
        isRequired
        isInvalid={shown("description") !== undefined}
        className="field"
      >
        <Label>Description</Label>
        <TextArea rows={8} />
        <Text slot="description">
          What happened, when, and what you expected: error codes, the numbers affected, the steps to see it.
        </Text>
        <FieldError className="field-error">{shown("description")}</FieldError>
      </TextField>
      <FilePicker chosen={files} onChange={setFiles} isDisabled={open.isPending} />
      {unplaced ? <ErrorMessage error={open.error} title="The ticket could not be opened" /> : null}
      <div className="form-actions">
        <BusyButton type="submit" className="button primary" isBusy={open.isPending} busyLabel="Opening the ticket…">
          Open ticket
        </BusyButton>
        <Link href={base} className="button">
          Cancel
        </Link>
      </div>
    </Form>
  );
}

/** The number a ticket is about, from the client's numbers; none when they cannot be read. */
function NumberChoice({
  clientId,
  value,
  problem,
  onChange,
}: {
  clientId: string | undefined;
  value: string;
  problem: string | undefined;
  onChange: (numberId: string) => void;
}) {
  const numbers = useNumberChoices(clientId);
  const items = numbers.data?.items ?? [];
  return (
    <SelectField
      label="Number (optional)"
      value={value}
      options={[
        ["", numbers.isPending ? "Loading numbers…" : "None in particular"],
        ...items.map(
          (number) =>
            [
              number.number_id,
              number.display_name
                ? `${number.display_phone_number} · ${number.display_name}`
                : number.display_phone_number,
            ] as const,
        ),
      ]}
      hint={numbers.isError ? "The numbers could not be loaded: name the number in the description." : undefined}
      problem={problem}
      onChange={onChange}
    />
  );
}

/** The ticket is open: the files' uploads and the way to its page (the keyboard lands on the heading). */
function Created({ ticket, href, uploads }: { ticket: Ticket; href: string; uploads: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section aria-labelledby="ticket-opened" className="card created">
      <h2 id="ticket-opened" ref={heading} tabIndex={-1}>
        Ticket opened
      </h2>
      <p>
        Your ticket “{ticket.subject}” ({ticket.ticket_id}) is open: support answers on its page.
      </p>
      {uploads}
      <div className="form-actions">
        <Link href={href} className="button primary">
          Open the ticket
        </Link>
      </div>
    </section>
  );
}
