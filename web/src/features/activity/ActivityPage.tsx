import { useId } from "react";
import { Button } from "react-aria-components";
import { useParams, useSearchParams } from "react-router";

import { SelectField } from "../../lib/SelectField";
import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { useActivity, type ActivityEntry } from "./api";
import { AREAS, areaName, fieldWords, isArea, shownWords, valueWords, when, type AreaName } from "./wording";
import "./activity.css";

/** The area filter, kept in the address (`?area=numbers`): a reload or "Back" keeps it. */
function useAreaFilter(): [AreaName | "", (area: string) => void] {
  const [search, setSearch] = useSearchParams();
  const area = search.get("area") ?? "";
  const change = (picked: string) => {
    setSearch(
      (before) => {
        const next = new URLSearchParams(before);
        if (isArea(picked)) next.set("area", picked);
        else next.delete("area");
        return next;
      },
      { replace: true },
    );
  };
  return [isArea(area) ? area : "", change];
}

/**
 * Activity (the menu's "Activity"): every change that concerns the client — its numbers, WABA, templates, billing,
 * support tickets and partner — newest first, with when it happened, what happened, who did it (a user, the partner
 * they acted for, support, Meta or the hub) and what changed, field by field; filtered by area, older entries with
 * "Load more". A client user's own at `/activity`; a support agent's within a client at `/clients/{id}/activity`.
 */
export function ActivityPage() {
  const { clientId } = useParams();
  const me = useMe();
  const [area, setArea] = useAreaFilter();
  useDocumentTitle(clientId ? `Activity of ${clientId}` : "Activity");
  if (me.isPending) return <Loading>Loading your account…</Loading>;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (me.data.role === "partner") {
    return (
      <>
        <h1>Activity</h1>
        <p>
          A client&apos;s activity is its own and its users&apos; to read. <Link href="/partner">Your clients</Link>.
        </p>
      </>
    );
  }
  return (
    <>
      <div className="page-heading">
        <h1>Activity</h1>
        {clientId ? <p className="muted">Client {clientId}</p> : null}
      </div>
      <p>
        Everything that happened to {clientId ? "the client's" : "your"} numbers, WhatsApp Business Accounts, templates,
        billing, support tickets and partner: who did it and what changed, the latest first.
      </p>
      <div role="search" className="filters" aria-label="Filter the activity">
        <SelectField
          label="Area"
          value={area}
          options={[["", "All areas"], ...AREAS.map((each) => [each, areaName(each)] as const)]}
          onChange={setArea}
        />
      </div>
      <Feed key={area || "all"} clientId={clientId} area={area} />
    </>
  );
}

function Feed({ clientId, area }: { clientId: string | undefined; area: AreaName | "" }) {
  const feed = useActivity(clientId, area);
  const captionId = useId();
  if (feed.isPending) return <Loading>Loading the activity…</Loading>;
  // an error with entries already shown is a page after them that failed: the entries stay, the error below them
  if (feed.data === undefined) return <ErrorMessage error={feed.error} title="The activity could not be loaded" />;
  const entries = feed.data.pages.flatMap((page) => page.items);
  return (
    <>
      <table className="table activity" aria-labelledby={captionId} aria-busy={feed.isFetchingNextPage}>
        <caption id={captionId} className="visually-hidden">
          {clientId ? `Activity of client ${clientId}` : "Your activity"}
          {area ? `: ${areaName(area)}` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Area</th>
            <th scope="col">What happened</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 ? (
            <tr>
              <td colSpan={4}>{area ? `Nothing happened in ${areaName(area)} yet.` : "Nothing happened yet."}</td>
            </tr>
          ) : (
            entries.map((entry) => <EntryRow key={entry.event_id} entry={entry} />)
          )}
        </tbody>
      </table>
      <div className="load-more">
        <p role="status" className="muted small">
          {shownWords(entries.length, feed.hasNextPage)}
        </p>
        {feed.hasNextPage ? (
          <Button className="button" isDisabled={feed.isFetchingNextPage} onPress={() => void feed.fetchNextPage()}>
            {feed.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        ) : null}
      </div>
      {feed.isError ? <ErrorMessage error={feed.error} title="Older activity could not be loaded" /> : null}
    </>
  );
}

function EntryRow({ entry }: { entry: ActivityEntry }) {
  return (
    <tr>
      <td className="activity-when">
        <time dateTime={entry.occurred_at}>{when(entry.occurred_at)}</time>
      </td>
      <td>{areaName(entry.area)}</td>
      <td>
        <span className="activity-summary">{entry.summary}</span>
        {entry.changes && entry.changes.length > 0 ? (
          <ul className="changes" aria-label="Changes">
            {entry.changes.map((change, index) => (
              <li key={`${change.field}-${String(index)}`}>
                <span className="change-field">{fieldWords(change.field)}</span>:{" "}
                <span className="change-before">{valueWords(change.before)}</span>{" "}
                <span role="img" aria-label="becomes">
                  →
                </span>{" "}
                <span className="change-after">{valueWords(change.after)}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td className="activity-by">{entry.by}</td>
    </tr>
  );
}
