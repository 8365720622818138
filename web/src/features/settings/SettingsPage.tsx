import { useParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { settingsBase } from "./paths";
import "./settings.css";

interface Entry {
  /** The page's path under the settings' base, or an absolute one (the user's own account, whatever the client). */
  path: string;
  title: string;
  description: string;
}

interface Group {
  id: string;
  heading: string;
  entries: readonly Entry[];
}

/** The sections of Settings, each a page of its own. */
const GROUPS: readonly Group[] = [
  {
    id: "user-settings",
    heading: "User settings",
    entries: [
      {
        path: "/account",
        title: "Your account",
        description: "Your e-mail address and the username the portal shows for you.",
      },
    ],
  },
  {
    id: "partner-settings",
    heading: "Partner Settings",
    entries: [
      {
        path: "partner",
        title: "Partner",
        description:
          "Your partner, the permissions you give it to manage your WhatsApp Business Account, and requests to change partner.",
      },
    ],
  },
];

/**
 * Settings (seed, "Settings: By accessing Settings, you are able to configure user settings and Partner Settings such
 * as request Partner Change or manage Partner Permissions"): a client's settings, section by section. A client user's
 * own at `/settings`; a support agent's within a client at `/clients/{id}/settings`. Partners have none here.
 */
export function SettingsPage() {
  const { clientId } = useParams();
  const me = useMe();
  useDocumentTitle(clientId ? `Settings of ${clientId}` : "Settings");
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role === "partner") {
    return (
      <>
        <h1>Settings</h1>
        <p>
          A client&apos;s settings are its own. Your company&apos;s are under <Link href="/partner">Partner</Link>;
          yours under <Link href="/account">User settings</Link>.
        </p>
      </>
    );
  }
  const base = settingsBase(clientId);
  return (
    <>
      <div className="page-heading">
        <h1>Settings</h1>
        {clientId ? <p className="muted">Client {clientId}</p> : null}
      </div>
      {GROUPS.filter((group) => !clientId || group.id !== "user-settings").map((group) => (
        <section key={group.id} aria-labelledby={group.id} className="card settings-group">
          <h2 id={group.id}>{group.heading}</h2>
          <ul className="settings-entries">
            {group.entries.map((entry) => (
              <li key={entry.path}>
                <Link href={entry.path.startsWith("/") ? entry.path : `${base}/${entry.path}`}>{entry.title}</Link>
                <p className="muted small">{entry.description}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
