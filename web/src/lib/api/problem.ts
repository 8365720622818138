import type { components } from "./schema.gen";

export type Problem = components["schemas"]["Problem"];
export type FieldError = components["schemas"]["ProblemFieldError"];

/**
 * An error answer of the API, typed: the problem+json fields (RFC 9457) and each invalid field (`errors[].field`,
 * e.g. `body.display_name`), so a form shows a `detail` next to the field it names.
 *
 * The gateway's own refusals (`{"message": "Unauthorized"}`, API Gateway's shape) and answers that are not JSON
 * become one too, with the HTTP status as what is known.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldError[];

  constructor(problem: {
    status: number;
    type?: string;
    title: string;
    detail: string;
    errors?: readonly FieldError[];
  }) {
    super(problem.detail);
    this.name = "ApiError";
    this.status = problem.status;
    this.type = problem.type ?? "about:blank";
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
  }

  /** The messages about one field (`body.display_name`, or `display_name` for the body's field by that name). */
  fieldErrors(field: string): string[] {
    return this.errors
      .filter((error) => error.field === field || error.field === `body.${field}`)
      .map((error) => error.message);
  }

  /** The problem's kind: the last segment of its `type` URI (`number-not-cancellable`). */
  get slug(): string {
    return this.type.split("/").filter(Boolean).at(-1) ?? this.type;
  }
}

const STATUS_TITLES: Record<number, string> = {
  0: "No connection",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldErrorsOf(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is FieldError => isObject(item) && typeof item.field === "string" && typeof item.message === "string",
  );
}

/** An ApiError from an error answer's status and body (parsed JSON, text, or nothing). */
export function toApiError(status: number, body: unknown): ApiError {
  const fallbackTitle = STATUS_TITLES[status] ?? `HTTP ${status}`;
  if (isObject(body) && typeof body.detail === "string") {
    return new ApiError({
      status: typeof body.status === "number" ? body.status : status,
      title: typeof body.title === "string" ? body.title : fallbackTitle,
      detail: body.detail,
      errors: fieldErrorsOf(body.errors),
      ...(typeof body.type === "string" ? { type: body.type } : {}),
    });
  }
  if (isObject(body) && typeof body.message === "string") {
    return new ApiError({ status, title: fallbackTitle, detail: body.message });
  }
  const text = typeof body === "string" && body.trim() ? body.trim().slice(0, 200) : fallbackTitle;
  return new ApiError({ status, title: fallbackTitle, detail: text });
}

/** The error a failed `fetch` (no answer at all) becomes. */
export function networkError(): ApiError {
  return new ApiError({
    status: 0,
    title: STATUS_TITLES[0] ?? "No connection",
    detail: "The hub could not be reached. Check your connection and try again.",
  });
}
