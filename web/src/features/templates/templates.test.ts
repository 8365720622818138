import { describe, expect, it } from "vitest";

import { contentOf, EMPTY_FORM, formFieldOf, nameAsTyped, problemsByField, variablesOf } from "./content";
import { previewOf } from "./MessageBubble";
import { categoryChange, rejectionReason, syncSummary, templateQuality, templateStatus } from "./wording";

describe("the create form's template", () => {
  it("finds positional variables in Meta's order and named ones as written", () => {
    expect(variablesOf("Hi {{2}}, {{1}} and {{ 2 }} again")).toEqual(["1", "2"]);
    expect(variablesOf("Hi {{first_name}}, order {{order}}")).toEqual(["first_name", "order"]);
    expect(variablesOf("No variables {here}")).toEqual([]);
  });

  it("builds the components with an example per variable and says which field each came from", () => {
    const { content, sources } = contentOf({
      ...EMPTY_FORM,
      name: "order_shipped",
      header: "Order {{1}}",
      body: "Hi {{1}}, order {{2}} ships today.",
      footer: "Acme",
      quickReplies: ["Track it"],
      examples: { header: { "1": "A-1" }, body: { "1": "Maria", "2": "A-1042" } },
    });
    expect(content.parameter_format).toBe("POSITIONAL");
    expect(content.components).toEqual([
      { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-1"] } },
      { type: "BODY", text: "Hi {{1}}, order {{2}} ships today.", example: { body_text: [["Maria", "A-1042"]] } },
      { type: "FOOTER", text: "Acme" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Track it" }] },
    ]);
    expect(sources).toEqual(["header", "body", "footer", "quick-reply-0"]);
  });

  it("sends named variables as NAMED with their names", () => {
    const { content } = contentOf({ ...EMPTY_FORM, body: "Hi {{name}}, thanks.", examples: { header: {}, body: {} } });
    expect(content.parameter_format).toBe("NAMED");
    expect(content.components).toEqual([
      {
        type: "BODY",
        text: "Hi {{name}}, thanks.",
        example: { body_text_named_params: [{ param_name: "name", example: "" }] },
      },
    ]);
  });

  it("puts each problem beside the field its component came from", () => {
    const sources = ["header", "body", "footer", "quick-reply-0"] as const;
    expect(formFieldOf("components[1].text", sources)).toBe("body");
    expect(formFieldOf("body.components[1].text", sources)).toBe("body");
    expect(formFieldOf("components[0].example.header_text", sources)).toBe("header-examples");
    expect(formFieldOf("components[3].buttons[1].text", sources)).toBe("quick-reply-1");
    expect(formFieldOf("body.name", sources)).toBe("name");
    expect(formFieldOf("components", sources)).toBeUndefined();
    const { byField, rest } = problemsByField(
      [
        { field: "components[0].text", message: "The body must not end with a variable." },
        { field: "components", message: "Exactly one BODY." },
      ],
      ["body"],
    );
    expect(byField).toEqual({ body: ["The body must not end with a variable."] });
    expect(rest).toHaveLength(1);
  });

  it("writes names as Meta takes them", () => {
    expect(nameAsTyped("Order Shipped")).toBe("order_shipped");
  });
});

describe("the templates' wording", () => {
  it("colours each status", () => {
    expect(
      ["DRAFT", "PENDING", "APPROVED", "REJECTED", "PAUSED", "IN_APPEAL"].map((s) => templateStatus(s).tone),
    ).toEqual(["draft", "pending", "approved", "rejected", "paused", "neutral"]);
    expect(templateStatus("SOMETHING_NEW").label).toBe("Something new");
  });

  it("says Meta's reasons and category changes in words", () => {
    expect(rejectionReason("PROMOTIONAL")).toBe("Promotional content");
    expect(rejectionReason("INVALID_FORMAT")).toBe("Invalid format");
    expect(rejectionReason("NONE")).toBeUndefined();
    expect(rejectionReason(null)).toBeUndefined();
    expect(categoryChange({ category: "UTILITY", previous_category: "MARKETING" })).toBe(
      "Meta changed the category from MARKETING to UTILITY",
    );
    expect(categoryChange({ category: "UTILITY", correct_category: "MARKETING" })).toBe(
      "Meta will change the category to MARKETING",
    );
    expect(categoryChange({ category: "UTILITY" })).toBeUndefined();
    expect(templateQuality("GREEN").label).toBe("High");
    expect(templateQuality(null).label).toBe("Not rated yet");
    expect(syncSummary({ added: 3, updated: 1, removed: 0 })).toBe("3 added, 1 updated, 0 removed");
  });

  it("shows a stored template with its examples in place", () => {
    expect(
      previewOf([
        {
          type: "BODY",
          text: "Hi {{1}}, your order {{2}} is on its way.",
          example: { body_text: [["Maria", "A-1042"]] },
        },
        { type: "FOOTER", text: "Acme Retail" },
        { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Thanks" }] },
      ]),
    ).toEqual({
      header: null,
      body: "Hi Maria, your order A-1042 is on its way.",
      footer: "Acme Retail",
      buttons: [{ type: "QUICK_REPLY", text: "Thanks" }],
    });
    expect(previewOf([{ type: "FOOTER", code_expiration_minutes: 10 }]).footer).toBe(
      "This code expires in 10 minutes.",
    );
  });
});
