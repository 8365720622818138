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
  if (plain === "parameter_format") return "body";
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

/** What the form cannot hold of a stored template, in words; none when the form holds all of it. */
function unsupportedPart(components: readonly Record<string, unknown>[], category: string): string | undefined {
  if (category === "AUTHENTICATION") return "an authentication template (Meta writes its text)";
  for (const component of components) {
    const type = typeof component.type === "string" ? component.type.toUpperCase() : "";
    const format = typeof component.format === "string" ? component.format.toUpperCase() : "TEXT";
    if (type === "HEADER" && format !== "TEXT") {
      const kind = format.toLowerCase();
      return `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} header`;
    }
    if (type === "BUTTONS") {
      const buttons = Array.isArray(component.buttons) ? (component.buttons as Record<string, unknown>[]) : [];
      if (buttons.some((button) => button.type !== "QUICK_REPLY")) return "buttons other than quick replies";
      if (buttons.length > MAX_QUICK_REPLIES) return `more than ${String(MAX_QUICK_REPLIES)} quick replies`;
    }
    if (!["HEADER", "BODY", "FOOTER", "BUTTONS"].includes(type)) return `a ${type.toLowerCase() || "nameless"} part`;
  }
  return undefined;
}

/** The examples a stored component gives its variables, by variable name (positional: "1", "2"…). */
function examplesOf(variables: readonly string[], positional: unknown, named: unknown): Record<string, string> {
  const examples: Record<string, string> = {};
  if (Array.isArray(named)) {
    for (const item of named as Record<string, unknown>[]) {
      if (typeof item.param_name === "string" && typeof item.example === "string") {
        examples[item.param_name] = item.example;
      }
    }
    return examples;
  }
  if (Array.isArray(positional)) {
    const values = positional as unknown[];
    for (const variable of variables) {
      const value = values[Number(variable) - 1];
      if (typeof value === "string") examples[variable] = value;
    }
  }
  return examples;
}

/**
 * A stored template (Meta's components) as the form holds it, to edit it or translate it into another language; or
 * why the form cannot (a media header, URL buttons, an authentication template: the portal's form writes text
 * templates with quick replies).
 */
export function formOf(template: {
  name: string;
  language: string;
  category: string;
  allow_category_change?: boolean;
  components?: readonly Record<string, unknown>[];
}): { form: TemplateForm } | { unsupported: string } {
  const components = template.components ?? [];
  const unsupported = unsupportedPart(components, template.category);
  if (unsupported) return { unsupported };
  const form: TemplateForm = {
    ...EMPTY_FORM,
    name: template.name,
    language: template.language,
    category: template.category === "MARKETING" ? "MARKETING" : "UTILITY",
    allowCategoryChange: template.allow_category_change ?? true,
    examples: { header: {}, body: {} },
  };
  for (const component of components) {
    const type = typeof component.type === "string" ? component.type.toUpperCase() : "";
    const text = typeof component.text === "string" ? component.text : "";
    const example = (component.example ?? {}) as Record<string, unknown>;
    if (type === "HEADER") {
      form.header = text;
      form.examples.header = examplesOf(variablesOf(text), example.header_text, example.header_text_named_params);
    } else if (type === "BODY") {
      form.body = text;
      const rows = Array.isArray(example.body_text) ? (example.body_text as unknown[]) : [];
      form.examples.body = examplesOf(variablesOf(text), rows[0], example.body_text_named_params);
    } else if (type === "FOOTER") {
      form.footer = text;
    } else if (type === "BUTTONS") {
      const buttons = Array.isArray(component.buttons) ? (component.buttons as Record<string, unknown>[]) : [];
      form.quickReplies = buttons.map((button) => (typeof button.text === "string" ? button.text : ""));
    }
  }
  return { form };
}
