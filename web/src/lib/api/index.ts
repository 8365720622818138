export { ApiProvider, useApi } from "./ApiContext";
export { createApiClient, unwrap, type ApiClient } from "./client";
export { ApiError, toApiError, type FieldError, type Problem } from "./problem";
export type { components, paths } from "./schema.gen";
