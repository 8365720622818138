import { Explained } from "../../lib/ui";
import { changeStatus, type Reader } from "./wording";

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
    <Explained explanation={explanation} className={`change-status tone-${tone}`}>
      {label}
    </Explained>
  );
}
