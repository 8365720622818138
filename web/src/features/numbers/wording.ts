import type { AccountStatus, DisplayNameRequest } from "./api";

type RequestStatus = DisplayNameRequest["status"];

/** Each account status as the Numbers page names and explains it (seed: "Account Statuses"). */
export const ACCOUNT_STATUSES: Record<AccountStatus, { label: string; explanation: string; tone: Tone }> = {
  onboarding: {
    label: "Onboarding",
    explanation: "Being set up: the number is being registered with Meta and cannot send messages yet.",
    tone: "info",
  },
  running: { label: "Running", explanation: "Live: the number sends and receives messages.", tone: "good" },
  pending_deletion: {
    label: "Pending deletion",
    explanation:
      "Cancelled: the number still sends and receives messages until it is deleted at the end of the month; billing stops then.",
    tone: "warning",
  },
  deleted: {
    label: "Deleted",
    explanation: "Deleted: the number no longer sends or receives messages, and it is no longer billed.",
    tone: "neutral",
  },
  restricted: {
    label: "Restricted",
    explanation:
      "Restricted by Meta: for a while the number can reach fewer customers, after policy or quality issues.",
    tone: "warning",
  },
  flagged: {
    label: "Flagged",
    explanation: "Flagged by Meta for low quality: improve it within 7 days or the messaging limit is lowered.",
    tone: "warning",
  },
  banned: { label: "Banned", explanation: "Banned by Meta: the number can no longer send messages.", tone: "bad" },
  disconnected: {
    label: "Disconnected",
    explanation: "Disconnected: Meta reports the number as not connected. Contact support to reconnect it.",
    tone: "bad",
  },
};

export type Tone = "good" | "info" | "warning" | "bad" | "neutral";

/** Meta's quality ratings (an open set: a value Meta adds later shows as it is). */
const QUALITY: Record<string, { label: string; explanation: string; tone: Tone }> = {
  GREEN: { label: "High", explanation: "High quality: customers rarely block or report this number.", tone: "good" },
  YELLOW: {
    label: "Medium",
    explanation: "Medium quality: customers have blocked or reported this number lately.",
    tone: "warning",
  },
  RED: { label: "Low", explanation: "Low quality: the number may soon be flagged or limited by Meta.", tone: "bad" },
  NA: { label: "Not rated", explanation: "Not rated: Meta has no quality rating for this number.", tone: "neutral" },
  UNKNOWN: { label: "Unknown", explanation: "Unknown: Meta has not rated this number yet.", tone: "neutral" },
};

export function quality(rating: string): { label: string; explanation: string; tone: Tone } {
  return QUALITY[rating] ?? { label: rating, explanation: `Meta rates this number ${rating}.`, tone: "neutral" };
}

export function accountStatus(status: string): { label: string; explanation: string; tone: Tone } {
  return (
    (ACCOUNT_STATUSES as Record<string, { label: string; explanation: string; tone: Tone } | undefined>)[status] ?? {
      label: status,
      explanation: `Meta reports the status ${status}.`,
      tone: "neutral",
    }
  );
}

const HOSTING: Record<string, string> = {
  CLOUD_API: "Cloud API",
  ON_PREMISE: "On-premise",
  NOT_APPLICABLE: "Not applicable",
};

export function hostingPlatform(value: string): string {
  return HOSTING[value] ?? value;
}

/** "TIER_1K" → "1K business-initiated conversations a day" (Meta's tiers). */
export function messagingLimit(value: string | null | undefined): string {
  if (!value) return "Not known";
  const tier = /^TIER_(\w+)$/.exec(value)?.[1];
  if (!tier) return value;
  return tier === "UNLIMITED" ? "Unlimited" : `${tier} business-initiated conversations a day`;
}

/** A date (RFC 3339, UTC) as the reader's locale writes it, in UTC (deletions happen at the end of a UTC month). */
export function utcDate(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone: "UTC" }).format(new Date(value));
}

/**
 * When a number cancelled now is deleted: the last day of the current month in UTC, as the API's cancellation
 * decides it (`deletion_at`, the month's last instant). The confirmation states it; the API's answer then shows it.
 */
export function deletionDateIfCancelledNow(now: Date): string {
  return utcDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).toISOString());
}

/** A date and time (RFC 3339) as the reader's locale writes it, in the reader's time zone. */
export function dateTime(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

/** Meta's status of a display name (APPROVED, PENDING_REVIEW, …; an open set) in words. */
export function nameStatus(value: string): string {
  const words = value.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Meta's registration states of a number (REGISTERED, …) in words. */
export function registrationStatus(value: string): string {
  return nameStatus(value);
}

/** A display-name request's status in words. */
export const REQUEST_STATUSES: Record<RequestStatus, string> = {
  submitting: "Being sent to Meta",
  pending_review: "Under review at Meta",
  deferred: "Review deferred by Meta",
  approved: "Approved",
  rejected: "Rejected",
  expired: "Expired",
  failed: "Failed",
};
