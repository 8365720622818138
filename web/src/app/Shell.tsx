import { useEffect, useRef, useState } from "react";
import { Button } from "react-aria-components";
import { Outlet, useLocation, useMatch } from "react-router";

import { useMe } from "../features/accounts";
import { BillingMenuItems } from "../features/billing";
import { AgentPartnerMenuItems, PartnerMenuItems } from "../features/partners";
import { SupportMenuItems } from "../features/support";
import { useAuth } from "../lib/auth";
import { useConfig } from "../lib/ConfigContext";
import { ExternalLink, Link } from "../lib/ui";

/**
 * The frame of every signed-in page: the menu bar (seed, "Menu Bar": Documentation, Roadmap, Status open the
 * configured links; a client user's Funds, Invoices and Billing — Stripe's billing portal, or the word that its partner
 * bills it; Support — a client's tickets, for its users and, within a client, for agents and partners granted
 * `tickets:write` — and for support agents the Support queue and Partner changes (every client's partner change
 * requests); Activity and Settings, a client user's and, within a client, a support agent's; a partner user's Partner:
 * its clients, settings and change requests), who is signed in and "Sign out".
 */
export function Shell() {
  const { links } = useConfig();
  const { state, signOut } = useAuth();
  const [signingOut, setSigningOut] = useState(false);
  const me = useMe();
  const acting = useMatch("/clients/:clientId/*")?.params.clientId;
  const role = me.data?.role;
  const clientBase = role === "client" ? "" : acting ? `/clients/${encodeURIComponent(acting)}` : undefined;
  const numbersHref = clientBase === undefined ? undefined : `${clientBase}/numbers`;
  const templatesHref = clientBase === undefined ? undefined : `${clientBase}/templates`;
  const insightsHref = clientBase === undefined ? undefined : `${clientBase}/insights`;
  // a client's own pages: its users' and, within a client, support agents' (partners act for a client, not as it)
  const ownBase = role === "partner" ? undefined : clientBase;
  const activityHref = ownBase === undefined ? undefined : `${ownBase}/activity`;
  const settingsHref = ownBase === undefined ? undefined : `${ownBase}/settings`;

  // after a navigation inside the app, focus moves to the new page's content, as a page load would put it at the top
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const landed = useRef(false);
  useEffect(() => {
    if (landed.current) main.current?.focus();
    landed.current = true;
  }, [pathname]);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="menu-bar">
        <Link href="/" className="brand">
          Client Hub
        </Link>
        <nav aria-label="Menu">
          <ul>
            {numbersHref ? (
              <li>
                <Link href={numbersHref}>Numbers</Link>
              </li>
            ) : null}
            {templatesHref ? (
              <li>
                <Link href={templatesHref}>Templates</Link>
              </li>
            ) : null}
            {insightsHref ? (
              <li>
                <Link href={insightsHref}>Insights</Link>
              </li>
            ) : null}
            <BillingMenuItems />
            <SupportMenuItems />
            <AgentPartnerMenuItems />
            {activityHref ? (
              <li>
                <Link href={activityHref}>Activity</Link>
              </li>
            ) : null}
            {settingsHref ? (
              <li>
                <Link href={settingsHref}>Settings</Link>
              </li>
            ) : null}
            <PartnerMenuItems />
            {role && role !== "client" ? (
              <li>
                <Link href="/clients">{acting ? "Switch client" : "Clients"}</Link>
              </li>
            ) : null}
            <li>
              <ExternalLink href={links.documentation}>Documentation</ExternalLink>
            </li>
            <li>
              <ExternalLink href={links.roadmap}>Roadmap</ExternalLink>
            </li>
            <li>
              <ExternalLink href={links.status}>Status</ExternalLink>
            </li>
          </ul>
        </nav>
        <div className="account">
          {acting ? <span className="acting">Acting for {acting}</span> : null}
          {state.status === "signedIn" ? (
            <Link href="/account" className="user">
              {me.data?.username ?? state.user.email}
              <span className="visually-hidden"> (user settings of {state.user.email})</span>
            </Link>
          ) : null}
          <Button
            className="button"
            isDisabled={signingOut}
            onPress={() => {
              setSigningOut(true);
              void signOut();
            }}
          >
            {signingOut ? "Signing out…" : "Sign out"}
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </>
  );
}
