import { useEffect, useId, useRef, useState } from "react";
import { FieldError, Input, Label, Text, TextField } from "react-aria-components";
import { useSearchParams } from "react-router";

import { PageButtons, useCursorPages } from "../../lib/pager";
import { ErrorMessage, Link, Loading } from "../../lib/ui";
import {
  isCategory,
  NO_FILTERS,
  useTickets,
  type Priority,
  type Ticket,
  type TicketFilters,
  type TicketStatus,
} from "./api";
import { PriorityLabel, StatusBadge } from "./Badges";
import { SelectField } from "../../lib/SelectField";
import { ticketHref } from "./paths";
import {
  CATEGORIES,
  categoryName,
  firstResponse,
  originName,
  PRIORITIES,
  priorityName,
  STATUSES,
  ticketStatus,
  when,
  type Viewer,
} from "./wording";

/** How long a typed filter (a client, an assignee) waits after the last key before it asks. */
const TYPING_DEBOUNCE_MS = 400;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function isStatus(value: string): value is TicketStatus {
  return (STATUSES as readonly string[]).includes(value);
}

function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

/** The list's filters, kept in the address (`?status=open&category=billing`): a reload or "Back" keeps them. */
export function useTicketFilters(): [TicketFilters, (change: Partial<TicketFilters>) => void] {
  const [search, setSearch] = useSearchParams();
  const status = search.get("status") ?? "";
  const category = search.get("category") ?? "";
  const priority = search.get("priority") ?? "";
  const filters: TicketFilters = {
    status: isStatus(status) ? status : "",
    category: isCategory(category) ? category : "",
    priority: isPriority(priority) ? priority : "",
    client: search.get("client") ?? "",
    assignee: search.get("assignee") ?? "",
  };
  const change = (changed: Partial<TicketFilters>) => {
    setSearch(
      (before) => {
        const next = new URLSearchParams(before);
        for (const [name, value] of Object.entries(changed)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  };
  return [filters, change];
}

/** The filters a list offers: the customer's status and category; the queue's also priority, client and assignee. */
export function TicketFilterBar({
  filters,
  onChange,
  viewer,
  queue,
  myEmail,
}: {
  filters: TicketFilters;
  onChange: (change: Partial<TicketFilters>) => void;
  viewer: Viewer;
  queue: boolean;
  myEmail?: string | null | undefined;
}) {
  return (
    <div role="search" className="filters" aria-label="Filter the tickets">
      <SelectField
        label="Status"
        value={filters.status}
        options={[["", "All"], ...STATUSES.map((status) => [status, ticketStatus(status, viewer).label] as const)]}
        onChange={(status) => {
          onChange({ status: isStatus(status) ? status : "" });
        }}
      />
      <SelectField
        label="Category"
        value={filters.category}
        options={[["", "All"], ...CATEGORIES.map((category) => [category, categoryName(category)] as const)]}
        onChange={(category) => {
          onChange({ category: isCategory(category) ? category : "" });
        }}
      />
      {queue ? (
        <>
          <SelectField
            label="Priority"
            value={filters.priority}
            options={[["", "All"], ...PRIORITIES.map((priority) => [priority, priorityName(priority).label] as const)]}
            onChange={(priority) => {
              onChange({ priority: isPriority(priority) ? priority : "" });
            }}
          />
          <TypedFilter
            label="Client ID"
            hint="One client's tickets, e.g. acme"
            value={filters.client}
            problemOf={(typed) => (CLIENT_ID.test(typed) ? undefined : "A client ID is letters, digits, - and _.")}
            onChange={(client) => {
              onChange({ client });
            }}
          />
          <AssigneeFilter
            value={filters.assignee}
            myEmail={myEmail}
            onChange={(assignee) => {
              onChange({ assignee });
            }}
          />
        </>
      ) : null}
    </div>
  );
}

/** A filter typed as text, applied a moment after the last key when it is valid. */
function TypedFilter({
  label,
  hint,
  value,
  problemOf,
  onChange,
}: {
  label: string;
  hint: string;
  value: string;
  problemOf: (typed: string) => string | undefined;
  onChange: (value: string) => void;
}) {
  const [typed, setTyped] = useState(value);
  const trimmed = typed.trim();
  const problem = trimmed ? problemOf(trimmed) : undefined;
  const apply = useRef(onChange);
  useEffect(() => {
    apply.current = onChange;
  });
  useEffect(() => {
    if (problem || trimmed === value) return;
    const timer = setTimeout(() => {
      apply.current(trimmed);
    }, TYPING_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [trimmed, problem, value]);
  return (
    <TextField value={typed} onChange={setTyped} isInvalid={problem !== undefined} className="field">
      <Label>{label}</Label>
      <Input />
      <Text slot="description">{hint}</Text>
      <FieldError className="field-error">{problem}</FieldError>
    </TextField>
  );
}

/** Whose tickets: anyone's, the agent's own ("Assigned to me") or another agent's, by address. */
function AssigneeFilter({
  value,
  myEmail,
  onChange,
}: {
  value: string;
  myEmail: string | null | undefined;
  onChange: (value: string) => void;
}) {
  const [other, setOther] = useState(Boolean(value) && value !== myEmail);
  const choice = other ? "other" : value && value === myEmail ? "me" : "";
  return (
    <>
      <SelectField
        label="Assigned to"
        value={choice}
        options={[["", "Anyone"], ...(myEmail ? [["me", "Me"] as const] : []), ["other", "Another agent…"]]}
        onChange={(picked) => {
          setOther(picked === "other");
          if (picked === "me" && myEmail) onChange(myEmail);
          else if (picked === "") onChange("");
        }}
      />
      {other ? (
        <TypedFilter
          label="Agent's e-mail"
          hint="The address the ticket is assigned to"
          value={value}
          problemOf={(typed) => (typed.length > 254 ? "At most 254 characters." : undefined)}
          onChange={onChange}
        />
      ) : null}
    </>
  );
}

/**
 * A page of tickets with Previous and Next (`next_cursor`); give it a `key` of its filters, so that other filters
 * start again at the first page.
 */
export function TicketsTable({
  filters,
  viewer,
  base,
  queue,
  caption,
}: {
  filters: TicketFilters;
  viewer: Viewer;
  /** Where a ticket's page is: `${base}/${ticket_id}`. */
  base: string;
  queue: boolean;
  caption: string;
}) {
  const pages = useCursorPages();
  const page = useTickets(filters, pages.cursor);
  const captionId = useId();
  if (page.isPending) return <Loading>Loading tickets…</Loading>;
  if (page.isError) return <ErrorMessage error={page.error} title="The tickets could not be loaded" />;
  const { items, next_cursor: nextCursor } = page.data;
  const filtered = Boolean(
    filters.status || filters.category || filters.priority || filters.assignee || (queue && filters.client),
  );
  const columns = queue ? 8 : 6;
  return (
    <>
      <table className="table tickets" aria-labelledby={captionId} aria-busy={page.isPlaceholderData}>
        <caption id={captionId} className="visually-hidden">
          {caption}, page {pages.pageNumber}
        </caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            {queue ? <th scope="col">Client</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Category</th>
            <th scope="col">Priority</th>
            {queue ? <th scope="col">Assignee</th> : null}
            <th scope="col">Last activity</th>
            <th scope="col">First response</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={columns}>{filtered ? "No ticket matches these filters." : "No tickets yet."}</td>
            </tr>
          ) : (
            items.map((ticket) => (
              <TicketRow key={ticket.ticket_id} ticket={ticket} viewer={viewer} base={base} queue={queue} />
            ))
          )}
        </tbody>
      </table>
      <PageButtons label="Pages of tickets" pages={pages} nextCursor={nextCursor} busy={page.isFetching} announce />
    </>
  );
}

function TicketRow({ ticket, viewer, base, queue }: { ticket: Ticket; viewer: Viewer; base: string; queue: boolean }) {
  return (
    <tr>
      <th scope="row">
        <Link href={ticketHref(base, ticket.ticket_id)}>{ticket.subject}</Link>
        <span className="muted small block">
          {ticket.ticket_id}
          {ticket.origin !== "portal" ? ` · ${originName(ticket.origin)}` : ""}
        </span>
      </th>
      {queue ? <td>{ticket.client_id}</td> : null}
      <td>
        <StatusBadge status={ticket.status} viewer={viewer} />
      </td>
      <td>{categoryName(ticket.category)}</td>
      <td>
        <PriorityLabel priority={ticket.priority} />
      </td>
      {queue ? <td>{ticket.assignee ?? <span className="muted">Unassigned</span>}</td> : null}
      <td>{when(ticket.updated_at)}</td>
      <td>{firstResponse(ticket)}</td>
    </tr>
  );
}

/** A stable key of the filters, for the table (other filters: the first page again). */
export function filtersKey(filters: TicketFilters): string {
  return JSON.stringify({ ...NO_FILTERS, ...filters });
}
