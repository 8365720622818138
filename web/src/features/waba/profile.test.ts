import { describe, expect, it } from "vitest";

import { toApiError } from "../../lib/api";
import type { Profile } from "./api";
import { centredSquare, sizeProblem, typeProblem } from "./picture";
import {
  changesOf,
  characters,
  formOf,
  problemsOf,
  serverProblemsOf,
  VERTICAL_NAMES,
  VERTICALS,
  type ProfileForm,
} from "./profile";
import { metaWord } from "./wording";

const PROFILE: Profile = {
  number_id: "106540352242922",
  about: "Acme Retail on WhatsApp",
  address: "Hauptstraße 1, Berlin",
  description: null,
  email: "info@acme.example",
  websites: ["https://acme.example"],
  vertical: "RETAIL",
  vertical_name: "Shopping and Retail",
  profile_picture_url: null,
  stale: false,
};

function edited(changes: Partial<ProfileForm>): ProfileForm {
  return { ...formOf(PROFILE), ...changes };
}

describe("the profile's form", () => {
  it("holds every field as text, an unset one empty", () => {
    expect(formOf(PROFILE)).toEqual({
      about: "Acme Retail on WhatsApp",
      address: "Hauptstraße 1, Berlin",
      description: "",
      email: "info@acme.example",
      websites: ["https://acme.example", ""],
      vertical: "RETAIL",
    });
  });

  it("sends only what changed", () => {
    expect(changesOf(PROFILE, formOf(PROFILE))).toEqual({});
    expect(
      changesOf(PROFILE, edited({ about: "Everything for your home", websites: ["https://acme.example", ""] })),
    ).toEqual({
      about: "Everything for your home",
    });
    expect(changesOf(PROFILE, edited({ websites: ["https://acme.example", " https://shop.acme.example "] }))).toEqual({
      websites: ["https://acme.example", "https://shop.acme.example"],
    });
  });

  it("clears an emptied field with an empty text, and the websites with an empty list", () => {
    expect(changesOf(PROFILE, edited({ address: "", email: " ", websites: ["", ""], vertical: "" }))).toEqual({
      address: "",
      email: "",
      websites: [],
      vertical: "",
    });
  });
});

describe("Meta's limits while typing", () => {
  it("takes the profile as it is", () => {
    expect(problemsOf(formOf(PROFILE))).toEqual({});
  });

  it("counts characters as the API does, an emoji as one", () => {
    expect(characters("Café 🍰")).toBe(6);
    expect(problemsOf(edited({ about: "🍰".repeat(139) }))).toEqual({});
  });

  it("says by how much a text is too long", () => {
    expect(problemsOf(edited({ about: "a".repeat(140), description: "d".repeat(515) }))).toEqual({
      about: "At most 139 characters: 1 too many.",
      description: "At most 512 characters: 3 too many.",
    });
    expect(problemsOf(edited({ address: "a".repeat(257) })).address).toBe("At most 256 characters: 1 too many.");
  });

  it("requires the About text", () => {
    expect(problemsOf(edited({ about: "  " })).about).toBe("Write what the business is about: Meta requires it.");
  });

  it("checks the email and each website", () => {
    expect(problemsOf(edited({ email: "info@acme" })).email).toBe("Enter an email address such as info@example.com.");
    expect(problemsOf(edited({ email: `${"a".repeat(120)}@acme.example` })).email).toBe(
      "At most 128 characters: 5 too many.",
    );
    expect(problemsOf(edited({ websites: ["acme.example", "https://acme.example/" + "x".repeat(240)] }))).toEqual({
      "websites[0]": "Start the address with http:// or https://, without spaces.",
      "websites[1]": "At most 256 characters: 5 too many.",
    });
  });

  it("places the API's refusals at their fields", () => {
    const refusal = toApiError(422, {
      type: "https://docs.client-hub.example/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "The request is not valid.",
      errors: [
        { field: "body.about", message: "string should have at least 1 character" },
        { field: "body.websites[1]", message: "string should match pattern '^https?://\\S+$'" },
        { field: "body.websites", message: "list should have at most 2 items" },
        { field: "body", message: "Nothing to change." },
      ],
    });

    expect(serverProblemsOf(refusal)).toEqual({
      about: "string should have at least 1 character",
      "websites[1]": "string should match pattern '^https?://\\S+$'",
      "websites[0]": "list should have at most 2 items",
    });
    expect(serverProblemsOf(new Error("offline"))).toEqual({});
  });
});

describe("the verticals", () => {
  it("are offered by Meta's names, in their order", () => {
    expect(VERTICALS).toHaveLength(21);
    expect(VERTICALS.slice(0, 3).map((vertical) => VERTICAL_NAMES[vertical])).toEqual([
      "Alcoholic Beverages",
      "Automotive",
      "Beauty, Spa and Salon",
    ]);
  });
});

describe("a profile picture", () => {
  it("is a JPEG or a PNG", () => {
    expect(typeProblem({ name: "logo.png", type: "image/png" })).toBeUndefined();
    expect(typeProblem({ name: "logo.jpg", type: "image/jpeg" })).toBeUndefined();
    expect(typeProblem({ name: "logo.gif", type: "image/gif" })).toBe(
      "“logo.gif” is not a JPEG or PNG image: choose a .jpg or .png file.",
    );
  });

  it("is at least 192 pixels a side", () => {
    expect(sizeProblem("logo.png", 192, 4000)).toBeUndefined();
    expect(sizeProblem("logo.png", 100, 100)).toBe(
      "The picture must be at least 192 × 192 pixels; “logo.png” is 100 × 100.",
    );
    expect(sizeProblem("wide.png", 800, 191)).toContain("at least 192 × 192 pixels");
  });

  it("is cut to the square in its middle", () => {
    expect(centredSquare(640, 640)).toEqual({ x: 0, y: 0, side: 640 });
    expect(centredSquare(1000, 600)).toEqual({ x: 200, y: 0, side: 600 });
    expect(centredSquare(301, 800)).toEqual({ x: 0, y: 249, side: 301 });
  });
});

describe("Meta's values in words", () => {
  it("reads an upper-case value", () => {
    expect(metaWord("CONNECTED")).toBe("Connected");
    expect(metaWord("RATE_LIMITED")).toBe("Rate limited");
    expect(metaWord(null)).toBe("Not known");
  });
});
