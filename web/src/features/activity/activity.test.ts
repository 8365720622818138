import { describe, expect, it } from "vitest";

import { AREAS, areaName, fieldWords, isArea, shownWords, valueWords, when } from "./wording";

describe("the activity in words", () => {
  it("names every area the filter offers", () => {
    expect(AREAS.map(areaName)).toEqual([
      "Numbers",
      "WhatsApp Business Account",
      "Templates",
      "Billing",
      "Support",
      "Partner and account",
    ]);
    expect(areaName("calls")).toBe("calls");
    expect(isArea("waba")).toBe(true);
    expect(isArea("")).toBe(false);
    expect(isArea("calls")).toBe(false);
  });

  it("says a change's field and values", () => {
    expect(fieldWords("display_name")).toBe("display name");
    expect(fieldWords("numbers:read")).toBe("numbers:read");
    expect(valueWords(null)).toBe("—");
    expect(valueWords(undefined)).toBe("—");
    expect(valueWords("")).toBe("—");
    expect(valueWords("granted")).toBe("granted");
  });

  it("writes a time in the reader's locale, to the second", () => {
    expect(when("2026-12-02T08:46:05Z", "en-US")).toMatch(/^Dec 2, 2026, \d{1,2}:46:05\s?[AP]M$/);
  });

  it("says how much of the feed is shown", () => {
    expect(shownWords(0, false)).toBe("No activity.");
    expect(shownWords(1, false)).toBe("Showing 1 entry, all there is.");
    expect(shownWords(25, true)).toBe("Showing the latest 25 entries; older ones follow with “Load more”.");
  });
});
