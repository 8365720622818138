import { useInfiniteQuery } from "@tanstack/react-query";

import { unwrap, useApi, type paths } from "../../lib/api";
import type { AreaName } from "./wording";

type Feed = paths["/v1/activity"]["get"]["responses"][200]["content"]["application/json"];
export type ActivityEntry = Feed["items"][number];

const PAGE_SIZE = 25;

/** Query keys: everything of the activity feed starts with ["activity"]. */
export const activityKeys = {
  all: ["activity"] as const,
  feed: (clientId: string | undefined, area: AreaName | "") => ["activity", clientId ?? "own", area || "all"] as const,
};

/**
 * The client's activity (`GET /v1/activity`), newest first, page after page: a client user's own (`clientId`
 * undefined); a support agent names the client.
 */
export function useActivity(clientId: string | undefined, area: AreaName | "") {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: activityKeys.feed(clientId, area),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/activity", {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(clientId ? { client_id: clientId } : {}),
              ...(area ? { area } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}
