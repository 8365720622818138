import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { currentUser, onSessionEnded, signIn as authSignIn, signOut as authSignOut, type SignedInUser } from "./auth";

export type AuthState =
  | { status: "loading" }
  | { status: "signedOut"; reason?: "signedOut" | "expired" }
  | { status: "signedOut"; reason: "emailChanged"; email: string }
  | { status: "signedIn"; user: SignedInUser };

interface AuthContextValue {
  state: AuthState;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** After an e-mail change: the hub ended every session of the user; sign out here too, for a new password. */
  emailChanged: (email: string) => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** Who is signed in, for the whole app; `onSignedOut` runs whenever a session ends (to forget cached data). */
export function AuthProvider({ children, onSignedOut }: { children: ReactNode; onSignedOut: () => void }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const signingOut = useRef(false); // our own sign-out: its "signedOut" event is no expired session

  useEffect(() => {
    let live = true;
    void currentUser().then((user) => {
      if (live) setState(user ? { status: "signedIn", user } : { status: "signedOut" });
    });
    const stop = onSessionEnded(() => {
      if (signingOut.current) return;
      onSignedOut();
      setState((previous) => (previous.status === "signedIn" ? { status: "signedOut", reason: "expired" } : previous));
    });
    return () => {
      live = false;
      stop();
    };
  }, [onSignedOut]);

  const signIn = useCallback(async (email: string, password: string) => {
    await authSignIn(email, password);
    const user = await currentUser();
    setState(user ? { status: "signedIn", user } : { status: "signedOut" });
  }, []);

  // "You are signed out" only once it is true: the tokens are revoked and gone from the browser's storage
  const endSession = useCallback(
    async (after: AuthState) => {
      signingOut.current = true;
      try {
        await authSignOut();
      } finally {
        signingOut.current = false;
        onSignedOut();
        setState(after);
      }
    },
    [onSignedOut],
  );
  const signOut = useCallback(() => endSession({ status: "signedOut", reason: "signedOut" }), [endSession]);
  const emailChanged = useCallback(
    (email: string) => endSession({ status: "signedOut", reason: "emailChanged", email }),
    [endSession],
  );

  const value = useMemo(() => ({ state, signIn, signOut, emailChanged }), [state, signIn, signOut, emailChanged]);
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthContextValue {
  const context = use(AuthContext);
  if (!context) throw new Error("useAuth needs an AuthProvider above it");
  return context;
}
