import { ErrorMessage } from "../lib/ui";

/** What the portal shows when its settings (config.json) cannot be read: nothing else works without them. */
export function ConfigProblem({ error }: { error: unknown }) {
  return (
    <main id="main" className="centered">
      <h1>Client Hub cannot start</h1>
      <ErrorMessage error={error} title="The portal's settings could not be read" />
      <p>Try again in a moment. If it keeps happening, tell your administrator.</p>
    </main>
  );
}
