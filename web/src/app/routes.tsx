import type { ReactNode } from "react";
import { RouterProvider as AriaRouterProvider } from "react-aria-components";
import { Navigate, Outlet, useHref, useLocation, useNavigate, useParams, type NavigateOptions } from "react-router";

import { actableClients, SignInPage, useMe } from "../features/accounts";
import { useAuth } from "../lib/auth";
import { ErrorMessage, Link, Loading, useDocumentTitle } from "../lib/ui";

declare module "react-aria-components" {
  interface RouterConfig {
    routerOptions: NavigateOptions;
  }
}

/** React Aria's links navigate with React Router (no full page loads). */
export function Root() {
  const navigate = useNavigate();
  return (
    <AriaRouterProvider navigate={(to, options) => void navigate(to, options)} useHref={useHref}>
      <Outlet />
    </AriaRouterProvider>
  );
}

interface FromState {
  from?: string;
}

export function SignInRoute() {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === "loading") return <Loading>Checking your session…</Loading>;
  if (state.status === "signedIn") {
    const from = (location.state as FromState | null)?.from;
    return <Navigate to={from && from !== "/sign-in" ? from : "/"} replace />;
  }
  if (state.reason === "emailChanged") {
    const notice = `Your sign-in address is now ${state.email}. We sent a code to it: enter it with a new password to sign in.`;
    return <SignInPage notice={notice} resetFor={state.email} />;
  }
  const notice =
    state.reason === "signedOut"
      ? "You are signed out."
      : state.reason === "expired"
        ? "Your session has ended. Sign in again."
        : undefined;
  return <SignInPage {...(notice ? { notice } : {})} />;
}

/** The signed-in part of the portal; anyone else goes to the sign-in page and comes back after it. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === "loading") return <Loading>Checking your session…</Loading>;
  if (state.status === "signedOut") {
    const from: FromState = { from: location.pathname + location.search };
    return <Navigate to="/sign-in" replace state={from} />;
  }
  return children;
}

/** Where a user lands: a client user on its numbers, a partner or support agent on the client picker. */
export function Home() {
  const me = useMe();
  const { clientId } = useParams();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (clientId) return <Navigate to="numbers" replace />;
  return <Navigate to={me.data.role === "client" ? "/numbers" : "/clients"} replace />;
}

/** Routes of a client user's own client; partners and support agents choose a client first. */
export function ClientOnly() {
  const me = useMe();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role !== "client") return <Navigate to="/clients" replace />;
  return <Outlet />;
}

/** Routes acting for the client in the URL: partners only for the clients that granted them permissions. */
export function ClientScope() {
  const me = useMe();
  const { clientId = "" } = useParams();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role === "client") return <Navigate to="/numbers" replace />;
  const allowed = actableClients(me.data);
  if (allowed !== null && !allowed.includes(clientId)) {
    return (
      <>
        <h1>Client {clientId}</h1>
        <p>
          You do not act for this client. <Link href="/clients">Choose a client</Link>.
        </p>
      </>
    );
  }
  return <Outlet />;
}

export function NotFound() {
  useDocumentTitle("Page not found");
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link href="/">Go to the start page</Link>.
      </p>
    </>
  );
}
