import type { components } from "../../lib/api";
import "./templates.css";

type Preview = components["schemas"]["Preview"];

/**
 * A template as its customer sees it on WhatsApp: a chat bubble with the header, the body, the footer in grey and
 * the buttons under it. `label` names it for assistive technology ("Preview of the message").
 */
export function MessageBubble({ preview, label }: { preview: Preview; label: string }) {
  const header = preview.header;
  const buttons = preview.buttons ?? [];
  return (
    <figure className="chat" aria-label={label}>
      <div className="bubble">
        {header ? (
          header.format === "TEXT" ? (
            <p className="bubble-header">{header.text}</p>
          ) : (
            <p className="bubble-media">{header.format.toLowerCase()} header</p>
          )
        ) : null}
        <p className="bubble-body">{preview.body || <span className="muted">The body is empty.</span>}</p>
        {preview.footer ? <p className="bubble-footer">{preview.footer}</p> : null}
      </div>
      {buttons.length > 0 ? (
        <ul className="bubble-buttons" aria-label="Buttons">
          {buttons.map((button, index) => (
            // the buttons are shown, not pressed: a message's buttons do nothing in a preview
            <li key={`${String(index)}-${button.text}`}>{button.text || <span className="muted">(no text)</span>}</li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}

/** A stored template's components (Meta's JSON) as a preview: the examples in place of the variables. */
export function previewOf(components: readonly Record<string, unknown>[]): Preview {
  const preview: Preview = { body: "", header: null, footer: null, buttons: [] };
  for (const component of components) {
    const type = typeof component.type === "string" ? component.type.toUpperCase() : "";
    const text = typeof component.text === "string" ? component.text : undefined;
    const example = (component.example ?? {}) as Record<string, unknown>;
    if (type === "HEADER") {
      const format = typeof component.format === "string" ? component.format.toUpperCase() : "TEXT";
      const examples = Array.isArray(example.header_text) ? (example.header_text as unknown[]) : [];
      preview.header = {
        format: (["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION"].includes(format)
          ? format
          : "TEXT") as NonNullable<Preview["header"]>["format"],
        text: text ? filled(text, examples) : null,
      };
    } else if (type === "BODY") {
      const rows = Array.isArray(example.body_text) ? (example.body_text as unknown[]) : [];
      const examples = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : [];
      preview.body = text
        ? filled(text, examples)
        : component.add_security_recommendation
          ? "{{1}} is your verification code. For your security, do not share this code."
          : "{{1}} is your verification code.";
    } else if (type === "FOOTER") {
      const minutes = component.code_expiration_minutes;
      const expiry = typeof minutes === "number" || typeof minutes === "string" ? String(minutes) : "";
      preview.footer = text ?? (expiry ? `This code expires in ${expiry} minutes.` : null);
    } else if (type === "BUTTONS" && Array.isArray(component.buttons)) {
      preview.buttons = (component.buttons as Record<string, unknown>[]).map((button) => ({
        type: (typeof button.type === "string" ? button.type : "QUICK_REPLY") as NonNullable<
          Preview["buttons"]
        >[number]["type"],
        text: typeof button.text === "string" ? button.text : "",
      }));
    }
  }
  return preview;
}

/** `{{1}}` replaced by the first example, and so on; variables without an example stay as they are. */
function filled(text: string, examples: readonly unknown[]): string {
  return text.replace(/\{\{\s*([0-9]+)\s*\}\}/g, (whole, position: string) => {
    const value = examples[Number(position) - 1];
    return typeof value === "string" ? value : whole;
  });
}
