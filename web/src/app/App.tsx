import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { RouterProvider } from "react-router";

import { ApiError, ApiProvider, createApiClient } from "../lib/api";
import { AuthProvider, idToken, useAuth } from "../lib/auth";
import type { PortalConfig } from "../lib/config";
import { ConfigProvider } from "../lib/ConfigContext";
import { router } from "./router";

/** Client errors (4xx) are answers, not hiccups: they are shown at once; other failures are tried again twice. */
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

/** The providers: settings, server state (TanStack Query), the signed-in session, the API client, the routes. */
export function App({ config }: { config: PortalConfig }) {
  const [unauthorized] = useState(() => new EventTarget());
  const [queryClient] = useState(() => {
    const onError = (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) unauthorized.dispatchEvent(new Event("401"));
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: { queries: { retry, refetchOnWindowFocus: true } },
    });
  });
  const api = useMemo(() => createApiClient(config.apiBaseUrl, idToken), [config.apiBaseUrl]);
  const forget = useCallback(() => {
    queryClient.clear();
  }, [queryClient]);

  return (
    <ConfigProvider config={config}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider onSignedOut={forget}>
          <SignOutOnUnauthorized events={unauthorized} />
          <ApiProvider client={api}>
            <RouterProvider router={router} />
          </ApiProvider>
        </AuthProvider>
      </QueryClientProvider>
    </ConfigProvider>
  );
}

/** The API refused the token (401): the session is over, whatever Amplify still holds. */
function SignOutOnUnauthorized({ events }: { events: EventTarget }) {
  const { signOut } = useAuth();
  useEffect(() => {
    const handler = () => void signOut();
    events.addEventListener("401", handler);
    return () => {
      events.removeEventListener("401", handler);
    };
  }, [events, signOut]);
  return null;
}
