import { Explained } from "../../lib/ui";
import { accountStatus, quality, utcDate } from "./wording";

export function AccountStatusBadge({ status, deletionAt }: { status: string; deletionAt?: string | null | undefined }) {
  const { label, explanation, tone } = accountStatus(status);
  const when = status === "pending_deletion" && deletionAt ? ` Deleted on ${utcDate(deletionAt)} (UTC).` : "";
  return (
    <Explained explanation={explanation + when} className={`badge tone-${tone}`}>
      {label}
    </Explained>
  );
}

export function QualityBadge({ rating }: { rating: string }) {
  const { label, explanation, tone } = quality(rating);
  return (
    <Explained explanation={explanation} className={`badge tone-${tone}`}>
      <span className="dot" aria-hidden="true" />
      {label}
    </Explained>
  );
}
