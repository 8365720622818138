import type { components } from "../../lib/api";

export type TemplateContent = components["schemas"]["TemplateContent"];
type Component = TemplateContent["components"][number];

/** At most this many quick-reply buttons in the form (Meta allows more; the hub's rules check the grouping). */
export const MAX_QUICK_REPLIES = 3;

/** What the create form holds: the texts as typed, and an example per variable (by its name: "1", "first_name"). */
export interface TemplateForm {
  name: string;
  language: string;
  category: "MARKETING" | "UTILITY";
  allowCategoryChange: boolean;
  header: string;
  body: string;
  footer: string;
  quickReplies: string[];
  examples: { header: Record<string, string>; body: Record<string, string> };
}

export const EMPTY_FORM: TemplateForm = {
  name: "",
  language: "en_US",
  category: "UTILITY",
  allowCategoryChange: true,
  header: "",
  body: "",
  footer: "",
  quickReplies: [],
  examples: { header: {}, body: {} },
};

/** The fields of the form a problem can sit beside. */
export type FormField =
  | "name"
  | "language"
  | "category"
  | "header"
  | "header-examples"
  | "body"
  | "body-examples"
  | "footer"
  | `quick-reply-${number}`;

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variables of a text in the order Meta numbers them: positional ones by number, named ones as they come. */
export function variablesOf(text: string): string[] {
  const seen: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1] ?? "";
    if (!seen.includes(name)) seen.push(name);
  }
  return isPositional(seen) ? seen.sort((a, b) => Number(a) - Number(b)) : seen;
}

function isPositional(variables: readonly string[]): boolean {
  return variables.every((name) => /^[0-9]+$/.test(name));
}

/** A name as Meta takes it while it is typed: lower case, spaces as underscores. */
export function nameAsTyped(value: string): string {
  return value.toLowerCase().replaceAll(" ", "_");
}

/**
 * The template the form describes, as the preview and create routes take it, and which form field each of its
 * components came from (the routes name problems by component: `components[1].text`).
 */
export function contentOf(form: TemplateForm): { content: TemplateContent; sources: FormField[] } {
  const headerVariables = variablesOf(form.header);
  const bodyVariables = variablesOf(form.body);
  const named = !isPositional([...headerVariables, ...bodyVariables]);
  const components: Component[] = [];
  const sources: FormField[] = [];
  const example = (variables: string[], examples: Record<string, string>) =>
    variables.map((variable) => examples[variable] ?? "");
  const namedExample = (variables: string[], examples: Record<string, string>) =>
    variables.map((variable) => ({ param_name: variable, example: examples[variable] ?? "" }));

  if (form.header.trim()) {
    components.push({
      type: "HEADER",
      format: "TEXT",
      text: form.header,
      ...(headerVariables.length > 0
        ? {
            example: named
              ? { header_text_named_params: namedExample(headerVariables, form.examples.header) }
              : { header_text: example(headerVariables, form.examples.header) },
          }
        : {}),
    });
    sources.push("header");
  }
  components.push({
    type: "BODY",
    text: form.body,
    ...(bodyVariables.length > 0
      ? {
          example: named
            ? { body_text_named_params: namedExample(bodyVariables, form.examples.body) }
            : { body_text: [example(bodyVariables, form.examples.body)] },
        }
      : {}),
  });
  sources.push("body");
  if (form.footer.trim()) {
    components.push({ type: "FOOTER", text: form.footer });
    sources.push("footer");
  }
  if (form.quickReplies.length > 0) {
    components.push({ type: "BUTTONS", buttons: form.quickReplies.map((text) => ({ type: "QUICK_REPLY", text })) });
    sources.push("quick-reply-0");
  }
  return {
    content: {
      name: form.name,
      language: form.language,
      category: form.category,
      allow_category_change: form.allowCategoryChange,
      parameter_format: named ? "NAMED" : "POSITIONAL",
      components,
    },
    sources,
  };
}

const COMPONENT_FIELD = /^(?:body\.)?components\[(\d+)\](?:\.(.*))?$/;

/**
 * The form field a problem of the preview or create route is about (`components[1].text` → the body when the body is
 * the second component; `components[2].buttons[1].text` → the second quick reply); undefined when it is about none.
 */
export function formFieldOf(field: string, sources: readonly FormField[]): FormField | undefined {
  const plain = field.replace(/^body\./, "");
  if (plain === "name" || plain === "language" || plain === "category") return plain;
  const match = COMPONENT_FIELD.exec(plain);
  if (!match) return undefined;
  const source = sources[Number(match[1])];
  const rest = match[2] ?? "";
  if (source === "header" || source === "body") return rest.startsWith("example") ? `${source}-examples` : source;
  if (source?.startsWith("quick-reply")) {
    const button = /^buttons\[(\d+)\]/.exec(rest);
    return `quick-reply-${button ? Number(button[1]) : 0}`;
  }
  return source;
}

/** Problems ({field, message}) put beside their form fields; those about no field are `rest`. */
export function problemsByField<T extends { field: string; message: string }>(
  problems: readonly T[],
  sources: readonly FormField[],
): { byField: Partial<Record<FormField, string[]>>; rest: T[] } {
  const byField: Partial<Record<FormField, string[]>> = {};
  const rest: T[] = [];
  for (const problem of problems) {
    const field = formFieldOf(problem.field, sources);
    if (field) (byField[field] ??= []).push(problem.message);
    else rest.push(problem);
  }
  return { byField, rest };
}
