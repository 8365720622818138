import { Explained } from "../../lib/ui";
import { priorityName, ticketStatus, type Viewer } from "./wording";

/** A ticket's status in words and colour, its meaning on hover and keyboard focus. */
export function StatusBadge({ status, viewer }: { status: string; viewer: Viewer }) {
  const { label, tone, explanation } = ticketStatus(status, viewer);
  return (
    <Explained explanation={explanation} className={`status-pill tone-${tone}`}>
      {label}
    </Explained>
  );
}

export function PriorityLabel({ priority }: { priority: string }) {
  const { label, tone } = priorityName(priority);
  return <span className={`priority tone-${tone}`}>{label}</span>;
}
