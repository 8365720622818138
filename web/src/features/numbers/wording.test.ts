import { describe, expect, it } from "vitest";

import { deletionDateIfCancelledNow, messagingLimit, nameStatus, utcDate } from "./wording";

describe("the deletion date a cancellation confirms", () => {
  it("is the last day of the month in UTC", () => {
    expect(deletionDateIfCancelledNow(new Date("2026-12-01T18:00:00Z"))).toBe(utcDate("2026-12-31T23:59:59Z"));
    expect(deletionDateIfCancelledNow(new Date("2026-04-30T23:59:00Z"))).toBe(utcDate("2026-04-30T23:59:59Z"));
  });

  it("knows leap years", () => {
    expect(deletionDateIfCancelledNow(new Date("2028-02-10T08:00:00Z"))).toBe(utcDate("2028-02-29T23:59:59Z"));
  });

  it("goes by the UTC month, not the reader's", () => {
    // 30 November, 23:30 in New York is already December in UTC, as for the API
    expect(deletionDateIfCancelledNow(new Date("2026-11-30T23:30:00-05:00"))).toBe(utcDate("2026-12-31T23:59:59Z"));
  });
});

describe("Meta's values in words", () => {
  it("names messaging limits and statuses", () => {
    expect(messagingLimit("TIER_1K")).toBe("1K business-initiated conversations a day");
    expect(messagingLimit("TIER_UNLIMITED")).toBe("Unlimited");
    expect(messagingLimit(null)).toBe("Not known");
    expect(nameStatus("PENDING_REVIEW")).toBe("Pending review");
    expect(nameStatus("APPROVED")).toBe("Approved");
  });
});
