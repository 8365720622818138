import { describe, expect, it } from "vitest";

import { contentOf, EMPTY_FORM, formFieldOf, formOf, nameAsTyped, problemsByField, variablesOf } from "./content";
import { editAllowance } from "./edits";
import { previewOf } from "./MessageBubble";
import {
  categoryChange,
  editLimitNote,
  notDeletableReason,
  notEditableReason,
  outcomeMessage,
  rejectionReason,
  retryIn,
  syncSummary,
  templateQuality,
  templateStatus,
} from "./wording";

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

describe("a stored template in the form (edit, add a language)", () => {
  const stored = {
    name: "order_update",
    language: "en_US",
    category: "UTILITY",
    allow_category_change: false,
    components: [
      { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-1"] } },
      { type: "BODY", text: "Hi {{1}}, order {{2}} ships.", example: { body_text: [["Maria", "A-1042"]] } },
      { type: "FOOTER", text: "Acme Retail" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Track it" }] },
    ],
  };

  it("fills every field and example, and gives the same components back", () => {
    const held = formOf(stored);
    if (!("form" in held)) throw new Error(held.unsupported);
    expect(held.form).toEqual({
      name: "order_update",
      language: "en_US",
      category: "UTILITY",
      allowCategoryChange: false,
      header: "Order {{1}}",
      body: "Hi {{1}}, order {{2}} ships.",
      footer: "Acme Retail",
      quickReplies: ["Track it"],
      examples: { header: { "1": "A-1" }, body: { "1": "Maria", "2": "A-1042" } },
    });
    expect(contentOf(held.form).content.components).toEqual(stored.components);
  });

  it("reads named variables' examples", () => {
    const held = formOf({
      ...stored,
      components: [
        {
          type: "BODY",
          text: "Hi {{first_name}}, thanks.",
          example: { body_text_named_params: [{ param_name: "first_name", example: "Maria" }] },
        },
      ],
    });
    expect("form" in held && held.form.examples.body).toEqual({ first_name: "Maria" });
  });

  it("says what the form cannot hold", () => {
    expect(formOf({ ...stored, category: "AUTHENTICATION" })).toEqual({
      unsupported: "an authentication template (Meta writes its text)",
    });
    expect(
      formOf({
        ...stored,
        components: [
          { type: "HEADER", format: "IMAGE" },
          { type: "BODY", text: "Hi" },
        ],
      }),
    ).toEqual({ unsupported: "an image header" });
    expect(
      formOf({ ...stored, components: [{ type: "BUTTONS", buttons: [{ type: "URL", text: "Open", url: "x" }] }] }),
    ).toEqual({ unsupported: "buttons other than quick replies" });
  });

  it("puts a parameter format refusal beside the body", () => {
    expect(formFieldOf("body.parameter_format", ["body"])).toBe("body");
  });
});

describe("Meta's edit limit of an approved template", () => {
  const now = new Date("2026-03-31T12:00:00Z");
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

  it("allows an edit when none was made in 24 hours and fewer than 10 in 30 days", () => {
    expect(editAllowance([], now)).toEqual({ lastDay: 0, last30Days: 0, nextEditAt: undefined });
    expect(editAllowance([daysAgo(2), daysAgo(40)], now)).toEqual({
      lastDay: 0,
      last30Days: 1,
      nextEditAt: undefined,
    });
  });

  it("waits 24 hours after the last edit", () => {
    const allowance = editAllowance([daysAgo(5), daysAgo(0.25)], now);
    expect(allowance.lastDay).toBe(1);
    expect(allowance.last30Days).toBe(2);
    expect(allowance.nextEditAt?.toISOString()).toBe("2026-04-01T06:00:00.000Z");
  });

  it("waits for the oldest of 10 edits in 30 days to drop out", () => {
    const edits = [29, 27, 24, 21, 18, 15, 12, 9, 6, 3].map(daysAgo);
    const allowance = editAllowance(edits, now);
    expect(allowance.last30Days).toBe(10);
    expect(allowance.nextEditAt?.toISOString()).toBe("2026-04-01T12:00:00.000Z"); // 29 days ago + 30 days
  });

  it("says the limit and what is used", () => {
    expect(editLimitNote({ lastDay: 0, last30Days: 3, nextEditAt: undefined })).toBe(
      "Approved template: Meta allows 1 edit a day and 10 in 30 days — 3 of 10 used in the last 30 days.",
    );
    expect(editLimitNote({ lastDay: 1, last30Days: 1, nextEditAt: new Date("2026-04-01T06:00:00Z") })).toMatch(
      /— 1 of 10 used in the last 30 days, 1 today\. Meta refuses another edit until .+\.$/,
    );
  });
});

describe("the changes' wording", () => {
  it("says which statuses may be edited or deleted", () => {
    for (const status of ["APPROVED", "REJECTED", "PAUSED", "DRAFT"]) expect(notEditableReason(status)).toBeUndefined();
    expect(notEditableReason("PENDING")).toMatch(/Meta is reviewing it/);
    expect(notEditableReason("DISABLED")).toBe("A disabled template cannot be edited.");
    expect(notDeletableReason("DISABLED")).toMatch(/disabled/);
    expect(notDeletableReason("APPROVED")).toBeUndefined();
  });

  it("says what was done", () => {
    const one = { name: "order_update", language: "de" };
    expect(outcomeMessage({ action: "created", ...one, status: "PENDING" })).toBe(
      "“order_update” (de) was submitted for Meta's review: Pending.",
    );
    expect(outcomeMessage({ action: "created", ...one, status: "DRAFT" })).toBe(
      "“order_update” (de) was saved as a draft: Meta has not seen it.",
    );
    expect(outcomeMessage({ action: "edited", ...one, status: "PENDING" })).toBe(
      "“order_update” (de) was changed and submitted for Meta's review: Pending.",
    );
    expect(outcomeMessage({ action: "edited", ...one, status: "DRAFT" })).toBe(
      "“order_update” (de) was saved: it is still a draft.",
    );
    expect(outcomeMessage({ action: "copied", ...one, status: "PENDING", otherWaba: "104996122399160" })).toBe(
      "The copy “order_update” (de) in WhatsApp Business Account 104996122399160 was submitted for Meta's review: Pending.",
    );
    expect(outcomeMessage({ action: "deleted", name: "order_update" })).toBe(
      "“order_update” was deleted in every language.",
    );
    expect(outcomeMessage({ action: "deleted", ...one })).toBe("“order_update” (de) was deleted.");
  });

  it("says when to try again", () => {
    expect(retryIn(30)).toBe("30 seconds");
    expect(retryIn(600)).toBe("10 minutes");
    expect(retryIn(20 * 3600)).toBe("20 hours");
    expect(retryIn(5 * 86400)).toBe("5 days");
  });
});
