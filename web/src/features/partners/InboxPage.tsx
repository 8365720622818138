import { useId, useState } from "react";
import {
  Button,
  Dialog,
  DialogTrigger,
  Heading,
  Label,
  Modal,
  ModalOverlay,
  Text,
  TextArea,
  TextField,
} from "react-aria-components";

import { PageButtons, useCursorPages } from "../../lib/pager";
import { BusyButton, ErrorMessage, Loading, useDocumentTitle } from "../../lib/ui";
import { useDecide, useInbox, type ChangeRequest } from "./api";
import { ChangeStatusBadge, RequestedCell } from "./Badges";
import { PartnerGate, PartnerNav } from "./Gate";
import { PartnerHeading } from "./PartnerHomePage";
import { NOTE_MAX } from "./wording";
import "./partners.css";

/**
 * A partner's inbox (`/partner/requests`): the requests of clients that want to move to it, newest first, with
 * Accept and Decline (with a note to the client) while one is pending. An accepted request completes a moment later:
 * the client is then the partner's, with nothing granted yet.
 */
export function InboxPage() {
  useDocumentTitle("Change requests");
  const [done, setDone] = useState<string | undefined>();
  return (
    <PartnerGate title="Change requests">
      {() => (
        <>
          <PartnerHeading />
          <PartnerNav current="requests" />
          <h2>Change requests</h2>
          <p>
            Clients that want your company as their partner. Accepted, a client moves to you with every number; it then
            grants you permissions in its Settings.
          </p>
          <p role="status">{done}</p>
          <Inbox onDone={setDone} />
        </>
      )}
    </PartnerGate>
  );
}

function Inbox({ onDone }: { onDone: (message: string | undefined) => void }) {
  const pages = useCursorPages();
  const inbox = useInbox(pages.cursor);
  const accept = useDecide();
  const captionId = useId();
  if (inbox.isPending) return <Loading>Loading the change requests…</Loading>;
  if (inbox.isError) return <ErrorMessage error={inbox.error} title="The change requests could not be loaded" />;
  const { items, next_cursor: nextCursor } = inbox.data;
  return (
    <>
      {accept.isError ? <ErrorMessage error={accept.error} title="The request was not accepted" /> : null}
      <table className="table change-requests" aria-labelledby={captionId} aria-busy={inbox.isPlaceholderData}>
        <caption id={captionId} className="visually-hidden">
          Change requests addressed to your company, page {pages.pageNumber}
        </caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Requested</th>
            <th scope="col">Reason</th>
            <th scope="col">Status</th>
            <th scope="col">Your note</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={6}>No client has asked to move to you yet.</td>
            </tr>
          ) : (
            items.map((request) => (
              <tr key={request.request_id}>
                <th scope="row">
                  {request.client_name}
                  <span className="muted small block">
                    {request.client_id} · from {request.from_partner_name ?? request.from_partner_id ?? "no partner"}
                  </span>
                </th>
                <RequestedCell request={request} />
                <td className="reason">{request.reason}</td>
                <td>
                  <ChangeStatusBadge request={request} reader="partner" />
                  {request.auto_approved ? <span className="muted small block">auto-approval</span> : null}
                </td>
                <td>{request.decision_note ?? <span className="muted">—</span>}</td>
                <td>
                  {request.status === "pending" ? (
                    <div className="row-actions">
                      <BusyButton
                        className="button primary"
                        isBusy={accept.isPending && accept.variables.requestId === request.request_id}
                        busyLabel="Accepting…"
                        onPress={() => {
                          onDone(undefined);
                          accept.mutate(
                            { requestId: request.request_id, decision: "accept" },
                            {
                              onSuccess: () => {
                                onDone(
                                  `You accepted the request of ${request.client_name}: it moves to you with every number in a moment.`,
                                );
                              },
                            },
                          );
                        }}
                      >
                        Accept<span className="visually-hidden"> the request of {request.client_name}</span>
                      </BusyButton>
                      <Decline request={request} onDeclined={onDone} />
                    </div>
                  ) : null}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {nextCursor || pages.pageNumber > 1 ? (
        <PageButtons label="Pages of change requests" pages={pages} nextCursor={nextCursor} busy={inbox.isFetching} />
      ) : null}
    </>
  );
}

/** Decline, with an optional note to the client, in a dialog. */
function Decline({ request, onDeclined }: { request: ChangeRequest; onDeclined: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const decline = useDecide();
  return (
    <DialogTrigger
      isOpen={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setNote("");
        else decline.reset();
      }}
    >
      <Button className="button">
        Decline<span className="visually-hidden"> the request of {request.client_name}</span>
      </Button>
      <ModalOverlay
        className="modal-overlay"
        isDismissable={!decline.isPending}
        isKeyboardDismissDisabled={decline.isPending}
      >
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">Decline the request of {request.client_name}?</Heading>
                <p>{request.client_name} stays with its present partner. It sees your decision and your note.</p>
                <TextField value={note} onChange={setNote} maxLength={NOTE_MAX} className="field">
                  <Label>Note to the client (optional)</Label>
                  <TextArea rows={3} />
                  <Text slot="description">Why you decline, or what would change your mind.</Text>
                </TextField>
                {decline.isError ? <ErrorMessage error={decline.error} title="The request was not declined" /> : null}
                <div className="dialog-actions">
                  <Button className="button" onPress={close} isDisabled={decline.isPending}>
                    Cancel
                  </Button>
                  <BusyButton
                    className="button danger"
                    isBusy={decline.isPending}
                    busyLabel="Declining…"
                    onPress={() => {
                      const text = note.trim();
                      // the promise, not mutate's callbacks: the row (and this dialog) goes once it is declined
                      decline
                        .mutateAsync({
                          requestId: request.request_id,
                          decision: "decline",
                          ...(text ? { note: text } : {}),
                        })
                        .then(
                          () => {
                            onDeclined(`You declined the request of ${request.client_name}.`);
                            close();
                          },
                          () => undefined,
                        );
                    }}
                  >
                    Decline request
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
