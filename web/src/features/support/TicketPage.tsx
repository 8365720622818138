import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ReactNode, type SyntheticEvent } from "react";
import { FieldError, Form, Label, Text, TextArea, TextField } from "react-aria-components";
import { useLocation, useParams } from "react-router";

import { BusyButton, ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import type { Me } from "../accounts";
import {
  supportKeys,
  useChangeTicket,
  useReply,
  useTicket,
  useTicketAction,
  type Message,
  type Priority,
  type TicketDetail,
} from "./api";
import { PriorityLabel, StatusBadge } from "./Badges";
import { SelectField } from "../../lib/SelectField";
import { AttachmentsList, FilePicker, UploadList, type Chosen } from "./Files";
import { messageProblem, TEXT_MAX } from "./forms";
import { AgentGate, SupportGate } from "./Gate";
import type { Opened } from "./NewTicketPage";
import { QUEUE, supportBase } from "./paths";
import { useUploads } from "./upload";
import {
  authorName,
  categoryName,
  contextFacts,
  firstResponse,
  fromSupport,
  mayReopen,
  originName,
  PRIORITIES,
  priorityName,
  when,
  type Viewer,
} from "./wording";
import "./support.css";

/**
 * A ticket's page (`/support/{ticket_id}`; `/clients/{id}/support/…` for partners and agents acting for a client;
 * `/queue/{ticket_id}` from the agents' queue): what it is about, the request another part of the hub attached, the
 * conversation with support (oldest first, customer and support told apart; agents also see internal notes), its
 * files, a reply with files, Close and Reopen (while the reopen window lasts); for agents: assignment, priority and
 * Solve. It asks again every few seconds, so the other side's answers appear without a reload.
 */
export function TicketPage({ fromQueue = false }: { fromQueue?: boolean }) {
  const { clientId, ticketId = "" } = useParams();
  const back = fromQueue ? (
    <Link href={QUEUE}>Back to the queue</Link>
  ) : (
    <Link href={supportBase(clientId)}>Back to support tickets</Link>
  );
  const page = (me: Me, viewer: Viewer) => (
    <>
      <p>{back}</p>
      <Ticket ticketId={ticketId} me={me} viewer={viewer} />
    </>
  );
  return fromQueue ? (
    <AgentGate>{(me) => page(me, "agent")}</AgentGate>
  ) : (
    <SupportGate clientId={clientId}>{page}</SupportGate>
  );
}

function Ticket({ ticketId, me, viewer }: { ticketId: string; me: Me; viewer: Viewer }) {
  const ticket = useTicket(ticketId);
  const location = useLocation();
  const opened = (location.state as Opened | null)?.opened;
  useDocumentTitle(ticket.data ? `Ticket: ${ticket.data.subject}` : "Support ticket");
  if (ticket.isPending) return <Loading>Loading the ticket…</Loading>;
  if (ticket.isError) return <ErrorMessage error={ticket.error} title="The ticket could not be loaded" />;
  const data = ticket.data;
  const now = new Date(ticket.dataUpdatedAt);
  const myEmail = me.email ?? null;
  return (
    <>
      <div className="page-heading ticket-heading">
        <h1>{data.subject}</h1>
        <StatusBadge status={data.status} viewer={viewer} />
      </div>
      {opened ? (
        <p role="status" className="notice">
          Your ticket was opened: support answers here.
        </p>
      ) : null}
      <div className="ticket-layout">
        <div className="ticket-main">
          {data.origin !== "portal" ? <RequestContext ticket={data} viewer={viewer} /> : null}
          <Conversation ticket={data} viewer={viewer} myEmail={myEmail} />
          <section aria-labelledby="files-heading" className="card">
            <h2 id="files-heading">Files</h2>
            <AttachmentsList attachments={data.attachments} viewer={viewer} myEmail={myEmail} />
          </section>
          {data.status === "closed" ? (
            <ClosedNotice ticket={data} now={now} />
          ) : (
            <Reply ticket={data} viewer={viewer} />
          )}
        </div>
        <aside className="ticket-side" aria-label="About this ticket">
          <Summary ticket={data} viewer={viewer} myEmail={myEmail} />
          <TicketActions ticket={data} now={now} viewer={viewer} />
          {viewer === "agent" ? <AgentTools ticket={data} me={me} /> : null}
        </aside>
      </div>
    </>
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

function Summary({ ticket, viewer, myEmail }: { ticket: TicketDetail; viewer: Viewer; myEmail: string | null }) {
  return (
    <section aria-labelledby="summary-heading" className="card">
      <h2 id="summary-heading">Details</h2>
      <dl className="fields ticket-fields">
        <Field name="Ticket">{ticket.ticket_id}</Field>
        <Field name="Status">
          <StatusBadge status={ticket.status} viewer={viewer} />
        </Field>
        <Field name="Category">{categoryName(ticket.category)}</Field>
        <Field name="Priority">
          <PriorityLabel priority={ticket.priority} />
        </Field>
        <Field name="Number">{ticket.number_id ?? "—"}</Field>
        {viewer === "agent" ? <Field name="Client">{ticket.client_id}</Field> : null}
        <Field name="Opened">
          {when(ticket.created_at)} by {authorName(ticket.requester, viewer, myEmail)}
        </Field>
        {ticket.origin !== "portal" ? <Field name="From">{originName(ticket.origin)}</Field> : null}
        {viewer === "agent" ? <Field name="Assignee">{ticket.assignee ?? "Unassigned"}</Field> : null}
        <Field name="Last activity">{when(ticket.updated_at)}</Field>
        <Field name="First response">{firstResponse(ticket)}</Field>
        {ticket.solved_at ? <Field name="Solved">{when(ticket.solved_at)}</Field> : null}
        {ticket.closed_at ? <Field name="Closed">{when(ticket.closed_at)}</Field> : null}
      </dl>
    </section>
  );
}

/** What another part of the hub attached to the ticket it opened (the WABA Manager's, Funds' request). */
function RequestContext({ ticket, viewer }: { ticket: TicketDetail; viewer: Viewer }) {
  const facts = contextFacts(ticket.origin, ticket.context);
  return (
    <section aria-labelledby="request-heading" className="card request">
      <h2 id="request-heading">{originName(ticket.origin)}</h2>
      <p className="muted small">
        {viewer === "agent"
          ? "The hub opened this ticket from the client's request in the portal:"
          : "The hub opened this ticket from your request:"}
      </p>
      {facts.length > 0 ? (
        <dl className="fields">
          {facts.map(([name, value]) => (
            <Field key={name} name={name}>
              {value}
            </Field>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

/** The description (the ticket's first message, by its requester) and every message after it, oldest first. */
function Conversation({ ticket, viewer, myEmail }: { ticket: TicketDetail; viewer: Viewer; myEmail: string | null }) {
  const first: Message = {
    message_id: "description",
    author: ticket.requester,
    body: ticket.description,
    internal: false,
    at: ticket.created_at,
  };
  return (
    <section aria-labelledby="conversation-heading" className="card">
      <h2 id="conversation-heading">Conversation</h2>
      <ol className="thread">
        {[first, ...ticket.thread].map((message) => (
          <MessageItem key={message.message_id} message={message} viewer={viewer} myEmail={myEmail} />
        ))}
      </ol>
    </section>
  );
}

function MessageItem({ message, viewer, myEmail }: { message: Message; viewer: Viewer; myEmail: string | null }) {
  const id = useId();
  const support = fromSupport(message.author);
  const side = message.internal ? "internal" : support ? "support" : "customer";
  const kind = message.internal ? "Internal note" : support ? "Support" : "Customer";
  const name = authorName(message.author, viewer, myEmail);
  return (
    <li className={`message message-${side}`}>
      <article aria-labelledby={id}>
        <header className="message-header">
          <span id={id}>
            <span className={`message-kind kind-${side}`}>{kind}</span> <strong>{name}</strong>
            <span className="visually-hidden">, </span>
          </span>
          <time dateTime={message.at} className="muted small">
            {when(message.at)}
          </time>
        </header>
        {message.internal ? <p className="small internal-hint">Only support agents see this note.</p> : null}
        <p className="message-body">{message.body}</p>
      </article>
    </li>
  );
}

function ClosedNotice({ ticket, now }: { ticket: TicketDetail; now: Date }) {
  return (
    <section aria-labelledby="closed-heading" className="card">
      <h2 id="closed-heading">Closed</h2>
      <p>
        This ticket is closed: it takes no more messages.{" "}
        {mayReopen(ticket, now)
          ? `Reopen it until ${when(ticket.reopen_until)} to write again.`
          : "Open a new ticket to write to support again."}
      </p>
    </section>
  );
}

/** A message (an agent's may be an internal note) and files to add. */
function Reply({ ticket, viewer }: { ticket: TicketDetail; viewer: Viewer }) {
  const [body, setBody] = useState("");
  const [internal, setInternal] = useState(false);
  const [files, setFiles] = useState<Chosen[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const [sent, setSent] = useState<string | undefined>();
  const reply = useReply(ticket.ticket_id);
  const uploads = useUploads();
  const queryClient = useQueryClient();
  const internalId = useId();
  const busy = reply.isPending;

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const text = body.trim();
    const found = text || internal || files.length === 0 ? messageProblem(body) : undefined;
    setProblem(found);
    setSent(undefined);
    if (found) return;
    // files are always the customer's to see too: an internal note takes none
    const attaching = internal ? [] : files;
    if (text) {
      try {
        await reply.mutateAsync({ body: text, internal });
      } catch {
        return;
      }
      setBody("");
      setSent(internal ? "The internal note was added." : "Your message was sent.");
    }
    if (attaching.length > 0) {
      setFiles([]);
      uploads.clear();
      await uploads.start(ticket.ticket_id, attaching);
      await queryClient.invalidateQueries({ queryKey: supportKeys.ticket(ticket.ticket_id) });
    }
  }

  return (
    <section aria-labelledby="reply-heading" className="card">
      <h2 id="reply-heading">{viewer === "agent" ? "Reply or note" : "Reply"}</h2>
      <Form
        className="form"
        validationBehavior="aria"
        onSubmit={(event) => {
          void submit(event);
        }}
      >
        <TextField
          value={body}
          onChange={(typed) => {
            setBody(typed);
            setProblem(undefined);
            setSent(undefined);
            if (reply.isError) reply.reset();
          }}
          maxLength={TEXT_MAX}
          isInvalid={problem !== undefined}
          className={`field${internal ? " internal-field" : ""}`}
        >
          <Label>{viewer === "agent" ? "Message" : "Your message"}</Label>
          <TextArea rows={5} />
          <Text slot="description">
            {viewer === "agent"
              ? internal
                ? "An internal note: only support agents see it, and the ticket's status stays as it is."
                : "The customer sees it; the ticket then awaits the customer."
              : ticket.status === "solved"
                ? "Writing again reopens the ticket."
                : "Support sees it and answers here."}
          </Text>
          <FieldError className="field-error">{problem}</FieldError>
        </TextField>
        {viewer === "agent" ? (
          <div className="checkbox">
            <input
              id={internalId}
              type="checkbox"
              checked={internal}
              onChange={(event) => {
                setInternal(event.target.checked);
              }}
            />
            <label htmlFor={internalId}>Internal note (only support agents see it)</label>
          </div>
        ) : null}
        {internal ? (
          <p className="small muted">Files are always seen by the customer: attach them to a reply, not to a note.</p>
        ) : (
          <FilePicker chosen={files} onChange={setFiles} isDisabled={busy} />
        )}
        {reply.isError ? <ErrorMessage error={reply.error} title="The message was not sent" /> : null}
        <div className="form-actions">
          <BusyButton type="submit" className="button primary" isBusy={busy} busyLabel="Sending…">
            {internal ? "Add internal note" : files.length > 0 && !body.trim() ? "Upload files" : "Send"}
          </BusyButton>
        </div>
        <p role="status">{sent}</p>
      </Form>
      <UploadList
        uploads={uploads.uploads}
        onRetry={(upload) => {
          uploads.retry(ticket.ticket_id, upload);
        }}
      />
    </section>
  );
}

/** Close (anyone who sees it, while it is not closed) and Reopen (solved or closed, within `reopen_until`). */
function TicketActions({ ticket, now, viewer }: { ticket: TicketDetail; now: Date; viewer: Viewer }) {
  const close = useTicketAction(ticket.ticket_id, "close");
  const reopen = useTicketAction(ticket.ticket_id, "reopen");
  const reopenable = mayReopen(ticket, now);
  const failed = close.isError ? close.error : reopen.isError ? reopen.error : undefined;
  return (
    <section aria-labelledby="actions-heading" className="card">
      <h2 id="actions-heading">Ticket</h2>
      <div className="ticket-buttons">
        {ticket.status !== "closed" ? (
          <BusyButton
            className="button"
            isBusy={close.isPending}
            busyLabel="Closing…"
            onPress={() => {
              reopen.reset();
              close.mutate();
            }}
          >
            Close ticket
          </BusyButton>
        ) : null}
        {reopenable ? (
          <BusyButton
            className="button"
            isBusy={reopen.isPending}
            busyLabel="Reopening…"
            onPress={() => {
              close.reset();
              reopen.mutate();
            }}
          >
            Reopen ticket
          </BusyButton>
        ) : null}
      </div>
      {reopenable ? (
        <p className="small muted">It may be reopened until {when(ticket.reopen_until)}.</p>
      ) : ticket.status === "closed" ? (
        <p className="small muted">The time to reopen it has passed.</p>
      ) : (
        <p className="small muted">
          {viewer === "agent"
            ? "Closing ends the conversation for the customer too."
            : "Close it once your question is answered."}
        </p>
      )}
      <p role="status">
        {close.isSuccess ? "The ticket was closed." : null}
        {reopen.isSuccess ? "The ticket was reopened: it awaits support." : null}
      </p>
      {failed ? <ErrorMessage error={failed} title="The ticket was not changed" /> : null}
    </section>
  );
}

/** An agent's work: who works the ticket (the agent, or nobody), its priority, and Solve. */
function AgentTools({ ticket, me }: { ticket: TicketDetail; me: Me }) {
  const change = useChangeTicket(ticket.ticket_id);
  const solve = useTicketAction(ticket.ticket_id, "solve");
  const [priority, setPriority] = useState<Priority>(ticket.priority);
  const [done, setDone] = useState<string | undefined>();
  const agent = me.email ?? me.subject;
  const mine = ticket.assignee === agent;
  const failed = change.isError ? change.error : solve.isError ? solve.error : undefined;
  const solvable = ticket.status !== "solved" && ticket.status !== "closed";

  function submitPriority(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    if (change.isPending) return;
    solve.reset();
    change.mutate(
      { priority },
      {
        onSuccess: (changed) => {
          setDone(`The priority is now ${priorityName(changed.priority).label}.`);
        },
      },
    );
  }

  return (
    <section aria-labelledby="agent-heading" className="card agent-tools">
      <h2 id="agent-heading">Support team</h2>
      <p>
        Assigned to: <strong>{ticket.assignee ?? "nobody"}</strong>
      </p>
      <div className="ticket-buttons">
        <BusyButton
          className="button"
          isBusy={change.isPending && change.variables.assignee !== undefined}
          busyLabel={mine ? "Unassigning…" : "Assigning…"}
          onPress={() => {
            solve.reset();
            change.mutate(
              { assignee: mine ? null : agent },
              {
                onSuccess: (changed) => {
                  setDone(changed.assignee ? `The ticket is assigned to ${changed.assignee}.` : "Nobody works it now.");
                },
              },
            );
          }}
        >
          {mine ? "Unassign" : "Assign to me"}
        </BusyButton>
        {solvable ? (
          <BusyButton
            className="button primary"
            isBusy={solve.isPending}
            busyLabel="Solving…"
            onPress={() => {
              change.reset();
              solve.mutate(undefined, {
                onSuccess: () => {
                  setDone("The ticket is solved: the customer may still answer or close it.");
                },
              });
            }}
          >
            Solve
          </BusyButton>
        ) : null}
      </div>
      <Form className="form inline-form priority-form" onSubmit={submitPriority}>
        <SelectField
          label="Priority"
          value={priority}
          options={PRIORITIES.map((each) => [each, priorityName(each).label] as const)}
          onChange={(picked) => {
            setPriority(PRIORITIES.find((known) => known === picked) ?? ticket.priority);
          }}
        />
        <BusyButton
          type="submit"
          className="button"
          isBusy={change.isPending && change.variables.priority !== undefined}
          busyLabel="Saving…"
        >
          Save priority
        </BusyButton>
      </Form>
      <p role="status">{done}</p>
      {failed ? <ErrorMessage error={failed} title="The ticket was not changed" /> : null}
    </section>
  );
}
