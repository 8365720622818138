import type { ReactNode } from "react";

import { ErrorMessage, Link, Loading } from "../../lib/ui";
import { useMe, type Me } from "../accounts";
import { mayUseSupport } from "./api";
import type { Viewer } from "./wording";

export function viewerOf(me: Me): Viewer {
  return me.role === "support" ? "agent" : "customer";
}

/**
 * A client's Support for those who may use it (`mayUseSupport`): its users, agents, partners granted `tickets:write`;
 * a partner without that grant is told so.
 */
export function SupportGate({
  clientId,
  children,
}: {
  clientId: string | undefined;
  children: (me: Me, viewer: Viewer) => ReactNode;
}) {
  const me = useMe();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (!mayUseSupport(me.data, clientId)) {
    return (
      <>
        <h1>Support</h1>
        <p>
          {clientId
            ? `Client ${clientId} has not granted your company tickets:write, `
            : "You cannot use Support here, "}
          so its support tickets are not shown. <Link href="/clients">Choose another client</Link>.
        </p>
      </>
    );
  }
  return children(me.data, viewerOf(me.data));
}

/** The agents' pages: anyone else is told the queue is support's. */
export function AgentGate({ children }: { children: (me: Me) => ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role !== "support") {
    return (
      <>
        <h1>Support queue</h1>
        <p>
          The queue is the support team&apos;s. Your tickets are under{" "}
          <Link href={me.data.role === "client" ? "/support" : "/clients"}>Support</Link>.
        </p>
      </>
    );
  }
  return children(me.data);
}
