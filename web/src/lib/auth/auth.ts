/**
 * Sign-in with the hub's Cognito user pool through AWS Amplify v6 (`aws-amplify/auth`), with the flow AWS recommends
 * for a browser app: Secure Remote Password (`USER_SRP_AUTH`), so the password never leaves the browser. Amplify
 * keeps the tokens (localStorage), refreshes them when they expire and revokes them on sign-out. Locally
 * `cognito.endpoint` points Amplify at the local Cognito (moto, made to check SRP by `local/moto_cognito.py`).
 *
 * Nothing here speaks the protocol itself: these are thin wrappers that give the portal the few things it needs.
 */
import { Amplify } from "aws-amplify";
import {
  confirmResetPassword,
  confirmUserAttribute,
  fetchAuthSession,
  resetPassword,
  signIn as amplifySignIn,
  signOut as amplifySignOut,
} from "aws-amplify/auth";
import { Hub } from "aws-amplify/utils";

import type { PortalConfig } from "../config";

export interface SignedInUser {
  email: string;
}

export function configureAuth(config: PortalConfig): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.cognito.userPoolId,
        userPoolClientId: config.cognito.userPoolClientId,
        ...(config.cognito.endpoint ? { userPoolEndpoint: config.cognito.endpoint } : {}),
        loginWith: { email: true },
      },
    },
  });
}

/** Why Cognito refused a sign-in, in its own words (e.g. "Incorrect username or password."). */
export class SignInRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInRefused";
  }
}

/** Cognito wants a new password before this user signs in again (after an e-mail change, or an admin's reset). */
export class PasswordResetRequired extends Error {
  readonly email: string;
  constructor(email: string) {
    super("Choose a new password: we sent a code to your e-mail address.");
    this.name = "PasswordResetRequired";
    this.email = email;
  }
}

/** Cognito's refusal of a code or a password, in its own words (e.g. "Invalid verification code provided, …"). */
export class CodeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CodeRefused";
  }
}

/** What Cognito said, as a CodeRefused (its message) or `fallback`. */
function refusal(error: unknown, fallback: string): CodeRefused {
  return new CodeRefused(error instanceof Error && error.message ? error.message : fallback);
}

/**
 * Sign in with SRP; a refusal or a step the portal does not offer yet raises SignInRefused with a message to show,
 * and a password that must be reset first raises PasswordResetRequired.
 */
export async function signIn(email: string, password: string): Promise<void> {
  try {
    await amplifySignOut(); // a stale session of someone else must never survive a new sign-in
    const result = await amplifySignIn({
      username: email.trim(),
      password,
      options: { authFlowType: "USER_SRP_AUTH" },
    });
    if (!result.isSignedIn) {
      await amplifySignOut();
      if (result.nextStep.signInStep === "RESET_PASSWORD") throw new PasswordResetRequired(email.trim());
      throw new SignInRefused(
        `This account needs a step the portal does not offer yet (${result.nextStep.signInStep}). Contact support.`,
      );
    }
  } catch (error) {
    if (error instanceof SignInRefused || error instanceof PasswordResetRequired) throw error;
    throw new SignInRefused(error instanceof Error && error.message ? error.message : "Sign-in failed. Try again.");
  }
}

/** Mail a code to choose a new password with (Cognito's "forgot password"; it says nothing of unknown addresses). */
export async function sendPasswordCode(email: string): Promise<void> {
  try {
    await resetPassword({ username: email.trim() });
  } catch (error) {
    throw refusal(error, "The code could not be sent. Try again.");
  }
}

/** A new password, with the code Cognito mailed; CodeRefused when the code or the password is refused. */
export async function setPasswordWithCode(email: string, code: string, newPassword: string): Promise<void> {
  try {
    await confirmResetPassword({ username: email.trim(), confirmationCode: code.trim(), newPassword });
  } catch (error) {
    throw refusal(error, "The new password was not saved. Try again.");
  }
}

/** Verify the signed-in user's new e-mail address with the code Cognito mailed to it (their own access token). */
export async function confirmEmailCode(code: string): Promise<void> {
  try {
    await confirmUserAttribute({ userAttributeKey: "email", confirmationCode: code.trim() });
  } catch (error) {
    throw refusal(error, "The code was not accepted. Try again.");
  }
}

export async function signOut(): Promise<void> {
  await amplifySignOut();
}

/** The current ID token (refreshed first when it has expired); undefined when no one is signed in. */
export async function idToken(): Promise<string | undefined> {
  try {
    const session = await fetchAuthSession();
    return session.tokens?.idToken?.toString();
  } catch {
    return undefined;
  }
}

/** Who is signed in, from the ID token; undefined when no one is (or the session cannot be refreshed). */
export async function currentUser(): Promise<SignedInUser | undefined> {
  try {
    const session = await fetchAuthSession();
    const claims = session.tokens?.idToken?.payload;
    if (!claims) return undefined;
    return { email: typeof claims.email === "string" ? claims.email : "" };
  } catch {
    return undefined;
  }
}

/** Calls `onSignedOut` when the session ends outside the portal's own sign-out (a refresh token refused). */
export function onSessionEnded(onSignedOut: () => void): () => void {
  return Hub.listen("auth", ({ payload }) => {
    if (payload.event === "tokenRefresh_failure" || payload.event === "signedOut") onSignedOut();
  });
}
