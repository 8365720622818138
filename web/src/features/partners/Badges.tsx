import { Explained } from "../../lib/ui";
import { changeStatus, when, type Reader } from "./wording";

/** A change request's status in words and colour, what it means on hover and keyboard focus. */
export function ChangeStatusBadge({
  request,
  reader,
}: {
  request: { status: string; target_partner_name: string; client_name: string };
  reader: Reader;
}) {
  const { label, tone, explanation } = changeStatus(request.status, reader, request);
  return (
    <Explained explanation={explanation} className={`status-pill tone-${tone}`}>
      {label}
    </Explained>
  );
}

/** A request's "Requested" cell: when, and by whom. */
export function RequestedCell({
  request,
}: {
  request: { created_at: string; requested_by: { email?: string | null; user_id: string } };
}) {
  return (
    <td>
      {when(request.created_at)}
      <span className="muted small block">by {request.requested_by.email ?? request.requested_by.user_id}</span>
    </td>
  );
}
