import { useState } from "react";
import { Button } from "react-aria-components";

/**
 * The pages of a cursor-paged list of the API (`{items, next_cursor}`) read so far: each page's cursor, so "Previous"
 * goes back to the last. A list whose filters change starts again at its first page (give it a `key` of them).
 */
export interface CursorPages {
  cursor: string | undefined;
  pageNumber: number;
  previous: () => void;
  next: (cursor: string) => void;
}

export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    pageNumber: cursors.length,
    previous: () => {
      setCursors((previous) => previous.slice(0, -1));
    },
    next: (cursor) => {
      setCursors((previous) => [...previous, cursor]);
    },
  };
}

/** Previous, the page's number (a live status when `announce`), Next (while the list has a `nextCursor`). */
export function PageButtons({
  label,
  pages,
  nextCursor,
  busy,
  announce = false,
}: {
  label: string;
  pages: CursorPages;
  nextCursor: string | null | undefined;
  busy: boolean;
  announce?: boolean;
}) {
  return (
    <nav className="pagination" aria-label={label}>
      <Button className="button" isDisabled={pages.pageNumber === 1 || busy} onPress={pages.previous}>
        Previous
      </Button>
      <p role={announce ? "status" : undefined} className="page-status">
        Page {pages.pageNumber}
      </p>
      <Button
        className="button"
        isDisabled={!nextCursor || busy}
        onPress={() => {
          if (nextCursor) pages.next(nextCursor);
        }}
      >
        Next
      </Button>
    </nav>
  );
}
