/**
 * The addresses the API takes (`POST /v1/me/email`, its `EMAIL_PATTERN`): a local part of the characters RFC 5322
 * allows unquoted, at a domain of two or more dot-separated labels; at most 254 characters.
 */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Why the API would refuse `draft` as the new address of a user who signs in with `current` (undefined: it takes it). */
export function emailProblem(draft: string, current: string): string | undefined {
  const address = draft.trim();
  if (address.length === 0) return "Enter the new address.";
  if (address.length > 254 || !ADDRESS.test(address)) return "Enter an e-mail address like name@example.com.";
  if (address.toLowerCase() === current.toLowerCase()) return "That is already your sign-in address.";
  return undefined;
}
