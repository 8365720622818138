import type { Waba } from "./api";

/** The account types (seed, "WhatsApp Business Account Type"), in words. */
export const ACCOUNT_TYPES: Record<Waba["type"], string> = {
  SHARED: "Shared (your own account, shared with the hub)",
  OBO: "On behalf of (owned by the hub for you)",
};

/** One of Meta's upper-case values in words: "RATE_LIMITED" → "Rate limited"; nothing → "Not known". */
export function metaWord(value: string | null | undefined): string {
  if (!value) return "Not known";
  const words = value.replaceAll("_", " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
