import type { ReactNode } from "react";

import { ErrorMessage, Link, Loading } from "../../lib/ui";
import { useMe, type Me } from "../accounts";
import { PARTNER_HOME, PARTNER_REQUESTS } from "./paths";

/** The partner users' own pages; anyone else is told they are a partner's. */
export function PartnerGate({ title, children }: { title: string; children: (me: Me) => ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role !== "partner") {
    return (
      <>
        <h1>{title}</h1>
        <p>
          These pages are a partner company&apos;s.{" "}
          {me.data.role === "client" ? (
            <>
              Your own partner is under <Link href="/settings/partner">Settings</Link>.
            </>
          ) : (
            <>
              A client&apos;s partner is in its Settings: <Link href="/clients">choose a client</Link>.
            </>
          )}
        </p>
      </>
    );
  }
  return children(me.data);
}

/** Between the partner's two pages. */
export function PartnerNav({ current }: { current: "home" | "requests" }) {
  return (
    <nav aria-label="Partner" className="sub-nav">
      <ul>
        <li>
          <Link href={PARTNER_HOME} {...(current === "home" ? { "aria-current": "page" as const } : {})}>
            Clients and settings
          </Link>
        </li>
        <li>
          <Link href={PARTNER_REQUESTS} {...(current === "requests" ? { "aria-current": "page" as const } : {})}>
            Change requests
          </Link>
        </li>
      </ul>
    </nav>
  );
}
