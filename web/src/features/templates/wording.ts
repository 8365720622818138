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
