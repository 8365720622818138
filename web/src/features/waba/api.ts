import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { unwrap, useApi, type components } from "../../lib/api";

export type Waba = components["schemas"]["WabaView"];
export type Health = components["schemas"]["Health"];
export type CommerceSettings = components["schemas"]["CommerceSettingsView"];
export type Profile = components["schemas"]["BusinessProfile"];
export type ProfileChange = components["schemas"]["ProfileChange"];
export type Vertical = components["schemas"]["Vertical"];

/** Query keys: everything of the WABA Manager starts with ["waba"]. */
export const wabaKeys = {
  one: (wabaId: string) => ["waba", "one", wabaId] as const,
  commerce: (numberId: string) => ["waba", "commerce", numberId] as const,
  profile: (numberId: string) => ["waba", "profile", numberId] as const,
};

/** A WABA's details and health (`GET /v1/wabas/{waba_id}`), kept by the hub a few minutes; `refresh` asks Meta. */
export function useWaba(wabaId: string) {
  const api = useApi();
  return useQuery({
    queryKey: wabaKeys.one(wabaId),
    queryFn: () => unwrap(api.GET("/v1/wabas/{waba_id}", { params: { path: { waba_id: wabaId } } })),
  });
}

/** Ask Meta now (`?refresh=true`) and show its answer. */
export function useRefreshWaba(wabaId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.GET("/v1/wabas/{waba_id}", { params: { path: { waba_id: wabaId }, query: { refresh: true } } })),
    onSuccess: (waba) => queryClient.setQueryData(wabaKeys.one(wabaId), waba),
  });
}

/** A number's commerce settings (`GET …/commerce-settings`). */
export function useCommerce(numberId: string) {
  const api = useApi();
  return useQuery({
    queryKey: wabaKeys.commerce(numberId),
    queryFn: () =>
      unwrap(api.GET("/v1/numbers/{number_id}/commerce-settings", { params: { path: { number_id: numberId } } })),
  });
}

/** Set both commerce settings at Meta (`PUT …/commerce-settings`, SHARED WABAs). */
export function useSaveCommerce(numberId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { is_catalog_visible: boolean; is_cart_enabled: boolean }) =>
      unwrap(api.PUT("/v1/numbers/{number_id}/commerce-settings", { params: { path: { number_id: numberId } }, body })),
    onSuccess: (settings) => queryClient.setQueryData(wabaKeys.commerce(numberId), settings),
  });
}

/** Ask support to change an OBO number's commerce settings (`POST …/commerce-settings/support-request`). */
export function useAskSupport(numberId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (body: { is_catalog_visible: boolean; is_cart_enabled: boolean; note?: string }) =>
      unwrap(
        api.POST("/v1/numbers/{number_id}/commerce-settings/support-request", {
          params: { path: { number_id: numberId } },
          body,
        }),
      ),
  });
}

/** A number's business profile as Meta has it (`GET …/profile`). */
export function useProfile(numberId: string) {
  const api = useApi();
  return useQuery({
    queryKey: wabaKeys.profile(numberId),
    queryFn: () => unwrap(api.GET("/v1/numbers/{number_id}/profile", { params: { path: { number_id: numberId } } })),
  });
}

/** Change the fields sent of the business profile at Meta (`PATCH …/profile`); answers the profile now. */
export function useSaveProfile(numberId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileChange) =>
      unwrap(api.PATCH("/v1/numbers/{number_id}/profile", { params: { path: { number_id: numberId } }, body })),
    onSuccess: (profile) => queryClient.setQueryData(wabaKeys.profile(numberId), profile),
  });
}

const PICTURE_FILE_NAME = "profile-picture.jpg";

/**
 * Make a JPEG the profile picture (`POST …/profile/picture`, `multipart/form-data` with the file as `picture`; the
 * browser writes the Content-Type with its boundary); answers the profile with the new picture's URL.
 */
export function useUploadPicture(numberId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (picture: Blob) => {
      const form = new FormData();
      form.append("picture", picture, PICTURE_FILE_NAME);
      return unwrap(
        api.POST("/v1/numbers/{number_id}/profile/picture", {
          params: { path: { number_id: numberId } },
          // the generated types know a file part as text (`format: binary`); what is sent is the form with the JPEG
          body: { picture: PICTURE_FILE_NAME },
          bodySerializer: () => form,
        }),
      );
    },
    onSuccess: (profile) => queryClient.setQueryData(wabaKeys.profile(numberId), profile),
  });
}
