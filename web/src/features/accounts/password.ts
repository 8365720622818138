/** The user pool's password policy (infra/template.yaml, `UserPool.Policies.PasswordPolicy`). */
export const PASSWORD_MIN = 12;

export const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters, with a lower-case letter, an upper-case letter and a digit.`;

/** Why Cognito would refuse `password` as a new one (undefined: the policy allows it). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `A password has at least ${PASSWORD_MIN} characters.`;
  if (!/[a-z]/.test(password)) return "Add a lower-case letter.";
  if (!/[A-Z]/.test(password)) return "Add an upper-case letter.";
  if (!/[0-9]/.test(password)) return "Add a digit.";
  return undefined;
}

/** Why a code Cognito mailed cannot be `draft` (undefined: it can): six digits. */
export function codeProblem(draft: string): string | undefined {
  return /^\d{6}$/.test(draft.trim()) ? undefined : "Enter the 6-digit code from the e-mail.";
}
