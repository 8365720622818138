/**
 * Sign-in with the hub's Cognito user pool through AWS Amplify v6 (`aws-amplify/auth`), with the flow AWS recommends
 * for a browser app: Secure Remote Password (`USER_SRP_AUTH`), so the password never leaves the browser. Amplify
 * keeps the tokens (localStorage), refreshes them when they expire and revokes them on sign-out. Locally
 * `cognito.endpoint` points Amplify at the local Cognito (moto, made to check SRP by `local/moto_cognito.py`).
 *
 * Nothing here speaks the protocol itself: these are thin wrappers that give the portal the few things it needs.
 */
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn as amplifySignIn, signOut as amplifySignOut } from "aws-amplify/auth";
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

/** Sign in with SRP; a refusal or a step the portal does not offer yet raises SignInRefused with a message to show. */
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
      throw new SignInRefused(
        `This account needs a step the portal does not offer yet (${result.nextStep.signInStep}). Contact support.`,
      );
    }
  } catch (error) {
    if (error instanceof SignInRefused) throw error;
    throw new SignInRefused(error instanceof Error && error.message ? error.message : "Sign-in failed. Try again.");
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
