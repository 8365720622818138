import { useEffect } from "react";

import { useAuth } from "../../lib/auth";
import { Link } from "../../lib/ui";
import { forgetImport, useImportsInProgress } from "./onboarding";

const STEP_WORDS: Record<string, string> = {
  number_added: "no code sent yet",
  code_requested: "waiting for the verification code",
  verified: "code verified, not finished",
  registered: "registered, not finished",
};

/** The imports the user started in this browser and has not finished, each a link to continue it. */
export function ImportsInProgress() {
  const { state } = useAuth();
  const user = state.status === "signedIn" ? state.user.email : "";
  const { open, stale } = useImportsInProgress(user);

  useEffect(() => {
    for (const importId of stale) forgetImport(user, importId);
  }, [stale, user]);

  if (open.length === 0) return null;
  return (
    <section aria-labelledby="imports-heading" className="imports">
      <h2 id="imports-heading">Imports in progress</h2>
      <ul>
        {open.map((record) => (
          <li key={record.import_id}>
            <Link href={`/numbers/import/${encodeURIComponent(record.import_id)}`}>
              Continue importing {record.phone_number}
            </Link>
            <span className="muted"> — {STEP_WORDS[record.step] ?? record.step}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
