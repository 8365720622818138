/** The API's limit of a username (`PATCH /v1/me`). */
export const USERNAME_MAX = 64;

/** Why the API would refuse `draft` as a username (undefined: it takes it); it trims the name first. */
export function usernameProblem(draft: string): string | undefined {
  const name = draft.trim();
  if (name.length === 0) return "Enter a username.";
  if (name.length > USERNAME_MAX) return `A username has at most ${USERNAME_MAX} characters.`;
  return undefined;
}
