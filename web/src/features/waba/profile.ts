import { ApiError } from "../../lib/api";
import type { Profile, ProfileChange, Vertical } from "./api";

/** Meta's names of the verticals (the hub's `VERTICAL_NAMES`), as WhatsApp shows them to users. */
export const VERTICAL_NAMES: Record<Vertical, string> = {
  ALCOHOL: "Alcoholic Beverages",
  APPAREL: "Clothing and Apparel",
  AUTO: "Automotive",
  BEAUTY: "Beauty, Spa and Salon",
  EDU: "Education",
  ENTERTAIN: "Entertainment",
  EVENT_PLAN: "Event Planning and Service",
  FINANCE: "Finance and Banking",
  GOVT: "Public Service",
  GROCERY: "Food and Grocery",
  HEALTH: "Medical and Health",
  HOTEL: "Hotel and Lodging",
  NONPROFIT: "Non-profit",
  ONLINE_GAMBLING: "Online Gambling & Gaming",
  OTC_DRUGS: "Over-the-Counter Drugs",
  OTHER: "Other",
  PHYSICAL_GAMBLING: "Non-Online Gambling & Gaming",
  PROF_SERVICES: "Professional Services",
  RESTAURANT: "Restaurant",
  RETAIL: "Shopping and Retail",
  TRAVEL: "Travel and Transportation",
};

/** The verticals in the order of their names, for a choice. */
export const VERTICALS = (Object.keys(VERTICAL_NAMES) as Vertical[]).sort((a, b) =>
  VERTICAL_NAMES[a].localeCompare(VERTICAL_NAMES[b], "en"),
);

/** Meta's longest texts of a profile, in characters. */
export const LIMITS = { about: 139, address: 256, description: 512, email: 128, website: 256 } as const;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const WEBSITE = /^https?:\/\/\S+$/;

/** The profile as its form holds it: each text as typed, the two website fields, the vertical or "" for none. */
export interface ProfileForm {
  about: string;
  address: string;
  description: string;
  email: string;
  websites: [string, string];
  vertical: Vertical | "";
}

/** A field of the form, as the API names it in `errors[].field` (without `body.`). */
export type ProfileField = "about" | "address" | "description" | "email" | "websites[0]" | "websites[1]" | "vertical";

export type FieldProblems = Partial<Record<ProfileField, string>>;

/** A text's length as the API counts it: in characters (code points), not UTF-16 units. */
export function characters(text: string): number {
  return Array.from(text).length;
}

export function formOf(profile: Profile): ProfileForm {
  return {
    about: profile.about ?? "",
    address: profile.address ?? "",
    description: profile.description ?? "",
    email: profile.email ?? "",
    websites: [profile.websites?.[0] ?? "", profile.websites?.[1] ?? ""],
    vertical: profile.vertical ?? "",
  };
}

function tooLong(text: string, limit: number): string | undefined {
  const over = characters(text) - limit;
  return over > 0 ? `At most ${limit} characters: ${over} too many.` : undefined;
}

/** What Meta would refuse in the form, by field (nothing: it may be saved). */
export function problemsOf(form: ProfileForm): FieldProblems {
  const problems: FieldProblems = {};
  const about = form.about.trim()
    ? tooLong(form.about, LIMITS.about)
    : "Write what the business is about: Meta requires it.";
  if (about) problems.about = about;
  const address = tooLong(form.address, LIMITS.address);
  if (address) problems.address = address;
  const description = tooLong(form.description, LIMITS.description);
  if (description) problems.description = description;
  const email = form.email.trim();
  if (email) {
    const problem = EMAIL.test(email)
      ? tooLong(email, LIMITS.email)
      : "Enter an email address such as info@example.com.";
    if (problem) problems.email = problem;
  }
  form.websites.forEach((typed, index) => {
    const website = typed.trim();
    if (!website) return;
    const problem = WEBSITE.test(website)
      ? tooLong(website, LIMITS.website)
      : "Start the address with http:// or https://, without spaces.";
    if (problem) problems[index === 0 ? "websites[0]" : "websites[1]"] = problem;
  });
  return problems;
}

function websitesOf(form: ProfileForm): string[] {
  return form.websites.map((website) => website.trim()).filter(Boolean);
}

/**
 * What to send to change the profile into the form (`PATCH …/profile`): only the fields that differ, an emptied text
 * as "" (it clears the field at Meta), the websites as a whole list, a removed vertical as "".
 */
export function changesOf(profile: Profile, form: ProfileForm): ProfileChange {
  const before = formOf(profile);
  const change: ProfileChange = {};
  if (form.about !== before.about) change.about = form.about;
  if (form.address !== before.address) change.address = form.address;
  if (form.description !== before.description) change.description = form.description;
  if (form.email.trim() !== before.email) change.email = form.email.trim();
  const websites = websitesOf(form);
  if (websites.join("\n") !== (profile.websites ?? []).join("\n")) change.websites = websites;
  if (form.vertical !== before.vertical) change.vertical = form.vertical;
  return change;
}

/**
 * The API's refusals of a change by field of the form (`body.websites[1]` at the second website; a refusal of the
 * whole list at the first).
 */
export function serverProblemsOf(error: unknown): FieldProblems {
  const problems: FieldProblems = {};
  if (!(error instanceof ApiError)) return problems;
  for (const { field, message } of error.errors) {
    const name = field.replace(/^body\./, "");
    const at = name === "websites" ? "websites[0]" : name;
    if (isProfileField(at)) problems[at] = problems[at] ? `${problems[at]} ${message}` : message;
  }
  return problems;
}

function isProfileField(name: string): name is ProfileField {
  return ["about", "address", "description", "email", "websites[0]", "websites[1]", "vertical"].includes(name);
}
