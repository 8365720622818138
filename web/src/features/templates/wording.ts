/** How the Templates screens say Meta's values. */

export type Tone = "draft" | "pending" | "approved" | "rejected" | "paused" | "neutral";

const STATUSES: Record<string, { label: string; tone: Tone; explanation: string }> = {
  DRAFT: { label: "Draft", tone: "draft", explanation: "Kept by the hub: Meta has not seen it yet." },
  PENDING: { label: "Pending", tone: "pending", explanation: "Meta is reviewing it; it cannot be sent yet." },
  APPROVED: { label: "Approved", tone: "approved", explanation: "Meta approved it: it can be sent." },
  REJECTED: { label: "Rejected", tone: "rejected", explanation: "Meta rejected it: it cannot be sent." },
  PAUSED: {
    label: "Paused",
    tone: "paused",
    explanation: "Meta paused it after poor feedback from customers; it cannot be sent for now.",
  },
  DISABLED: { label: "Disabled", tone: "neutral", explanation: "Meta disabled it after repeated poor feedback." },
  IN_APPEAL: { label: "In appeal", tone: "neutral", explanation: "A rejection is being appealed at Meta." },
  LIMIT_EXCEEDED: {
    label: "Limit exceeded",
    tone: "neutral",
    explanation: "The account has more templates than Meta allows.",
  },
  PENDING_DELETION: { label: "Pending deletion", tone: "neutral", explanation: "Meta is deleting it." },
  DELETED: { label: "Deleted", tone: "neutral", explanation: "Deleted at Meta." },
  ARCHIVED: { label: "Archived", tone: "neutral", explanation: "Archived at Meta." },
};

/** The statuses the filter offers, in the order a user looks for them. */
export const STATUS_FILTERS = [
  "APPROVED",
  "PENDING",
  "REJECTED",
  "PAUSED",
  "DRAFT",
  "DISABLED",
  "IN_APPEAL",
  "LIMIT_EXCEEDED",
  "PENDING_DELETION",
  "ARCHIVED",
] as const;

export const CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;

export function templateStatus(status: string): { label: string; tone: Tone; explanation: string } {
  return STATUSES[status] ?? { label: metaWord(status), tone: "neutral", explanation: `Meta's status ${status}.` };
}

const CATEGORY_NAMES: Record<string, string> = {
  MARKETING: "Marketing",
  UTILITY: "Utility",
  AUTHENTICATION: "Authentication",
};

export function categoryName(category: string): string {
  return CATEGORY_NAMES[category] ?? metaWord(category);
}

const REASONS: Record<string, string> = {
  PROMOTIONAL: "Promotional content",
  INVALID_FORMAT: "Invalid format",
  ABUSIVE_CONTENT: "Abusive content",
  INCORRECT_CATEGORY: "Incorrect category",
  TAG_CONTENT_MISMATCH: "The content does not match the category",
  SCAM: "Looks like a scam",
  NONE: "No reason given",
};

/** Meta's rejection reason in words ("PROMOTIONAL" → "Promotional content"); none for "NONE" or nothing. */
export function rejectionReason(reason: string | null | undefined): string | undefined {
  if (!reason || reason === "NONE") return undefined;
  return REASONS[reason] ?? metaWord(reason);
}

/** What Meta did or will do to the category, in words; none when it leaves it. */
export function categoryChange(template: {
  category: string;
  previous_category?: string | null;
  correct_category?: string | null;
}): string | undefined {
  if (template.correct_category && template.correct_category !== template.category) {
    return `Meta will change the category to ${template.correct_category}`;
  }
  if (template.previous_category && template.previous_category !== template.category) {
    return `Meta changed the category from ${template.previous_category} to ${template.category}`;
  }
  return undefined;
}

const QUALITY: Record<string, { label: string; tone: Tone }> = {
  GREEN: { label: "High", tone: "approved" },
  YELLOW: { label: "Medium", tone: "pending" },
  RED: { label: "Low", tone: "rejected" },
};

/** A template's quality score in words: GREEN → High; UNKNOWN or nothing → "Not rated yet". */
export function templateQuality(score: string | null | undefined): { label: string; tone: Tone } {
  return (score ? QUALITY[score] : undefined) ?? { label: "Not rated yet", tone: "neutral" };
}

/** A language code in words for the browser's locale: "en_US" → "English (United States) · en_US". */
export function languageName(code: string, locale = "en-US"): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: "language" }).of(code.replace("_", "-"));
    return name && name !== code ? `${name} · ${code}` : code;
  } catch {
    return code;
  }
}

/** The languages the forms offer (Meta's codes; the hub checks the one sent against its configured list). */
export const LANGUAGES = [
  ...["af", "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "de_AT", "de_CH", "el", "en", "en_AU", "en_CA", "en_GB"],
  ...["en_IE", "en_IN", "en_US", "en_ZA", "es", "es_AR", "es_ES", "es_MX", "et", "fa", "fi", "fil", "fr", "fr_BE"],
  ...["fr_CA", "fr_CH", "ga", "gu", "ha", "he", "hi", "hr", "hu", "id", "it", "ja", "ka", "kk", "kn", "ko", "ky_KG"],
  ...["lo", "lt", "lv", "mk", "ml", "mr", "ms", "nb", "nl", "nl_BE", "pa", "pl", "pt_BR", "pt_PT", "ro", "ru"],
  ...["rw_RW", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi", "zh_CN", "zh_HK"],
  ...["zh_TW", "zu"],
] as const;

/** Sync counts in words: "3 added, 1 updated, 0 removed". */
export function syncSummary(counts: { added: number; updated: number; removed: number }): string {
  return `${counts.added} added, ${counts.updated} updated, ${counts.removed} removed`;
}

/** One of Meta's upper-case values in words: "IN_APPEAL" → "In appeal". */
export function metaWord(value: string): string {
  const words = value.replaceAll("_", " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A moment in the browser's locale, or a dash. */
export function when(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : "—";
}

/** Meta's edit limit for an APPROVED template, and how much of it is used: shown before an edit is saved. */
export function editLimitNote(allowance: {
  lastDay: number;
  last30Days: number;
  nextEditAt: Date | undefined;
}): string {
  const used = `Approved template: Meta allows 1 edit a day and 10 in 30 days — ${String(allowance.last30Days)} of 10 used in the last 30 days${allowance.lastDay > 0 ? `, ${String(allowance.lastDay)} today` : ""}.`;
  return allowance.nextEditAt
    ? `${used} Meta refuses another edit until ${allowance.nextEditAt.toLocaleString()}.`
    : used;
}

/** Why a template cannot be edited in its status, or none when it can (Meta: APPROVED, REJECTED, PAUSED; the hub its
 * drafts). */
export function notEditableReason(status: string): string | undefined {
  if (EDITABLE.includes(status)) return undefined;
  if (status === "PENDING") return "Meta is reviewing it: it can be edited once Meta has decided.";
  return `A ${templateStatus(status).label.toLowerCase()} template cannot be edited.`;
}

const EDITABLE: readonly string[] = ["APPROVED", "REJECTED", "PAUSED", "DRAFT"];

/** Why a template cannot be deleted in its status, or none when it can. */
export function notDeletableReason(status: string): string | undefined {
  return status === "DISABLED" ? "Meta does not let a disabled template be deleted." : undefined;
}

/** What was just done to a template, which the list says once it is back. */
export type Outcome =
  | { action: "created" | "edited" | "language-added" | "submitted"; name: string; language: string; status: string }
  | { action: "copied"; name: string; language: string; status: string; otherWaba?: string }
  | { action: "deleted"; name: string; language?: string };

/** An outcome in words: "“order_update” (de) was submitted for Meta's review: Pending." */
export function outcomeMessage(outcome: Outcome): string {
  if (outcome.action === "deleted") {
    return outcome.language
      ? `“${outcome.name}” (${outcome.language}) was deleted.`
      : `“${outcome.name}” was deleted in every language.`;
  }
  const draft = outcome.status === "DRAFT";
  const sent = `submitted for Meta's review: ${templateStatus(outcome.status).label}.`;
  const which = `“${outcome.name}” (${outcome.language})`;
  switch (outcome.action) {
    case "created":
      return `${which} ${draft ? "was saved as a draft: Meta has not seen it." : `was ${sent}`}`;
    case "edited":
      return `${which} ${draft ? "was saved: it is still a draft." : `was changed and ${sent}`}`;
    case "language-added":
      return `${which} ${draft ? "was added as a draft: Meta has not seen it." : `was added and ${sent}`}`;
    case "submitted":
      return `${which} was ${sent}`;
    case "copied": {
      const where = outcome.otherWaba ? ` in WhatsApp Business Account ${outcome.otherWaba}` : "";
      return `The copy ${which}${where} ${draft ? "was saved as a draft: Meta has not seen it." : `was ${sent}`}`;
    }
  }
}

/** The 30 days Meta keeps a deleted approved template's name, for the deletion's confirmation. */
export function reservationWarning(name: string, deletedAt: Date): string {
  const until = new Date(deletedAt.getTime() + 30 * 24 * 60 * 60 * 1000);
  return `Meta keeps the name of a deleted approved template for 30 days: no new template can be called “${name}” until ${until.toLocaleDateString()}.`;
}

/** How long until a refused change may be tried again, from a 429's `Retry-After`: "5 minutes", "20 hours". */
export function retryIn(seconds: number): string {
  if (seconds < 120) return `${String(seconds)} seconds`;
  if (seconds < 2 * 3600) return `${String(Math.ceil(seconds / 60))} minutes`;
  if (seconds < 2 * 86400) return `${String(Math.ceil(seconds / 3600))} hours`;
  return `${String(Math.ceil(seconds / 86400))} days`;
}
