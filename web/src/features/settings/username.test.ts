import { describe, expect, it } from "vitest";

import { USERNAME_MAX, usernameProblem } from "./username";

describe("usernameProblem", () => {
  it("takes a name, trimmed", () => {
    expect(usernameProblem("  Anna Admin ")).toBeUndefined();
    expect(usernameProblem("x".repeat(USERNAME_MAX))).toBeUndefined();
  });

  it("refuses a blank or too long one", () => {
    expect(usernameProblem("   ")).toBe("Enter a username.");
    expect(usernameProblem("x".repeat(USERNAME_MAX + 1))).toMatch(/at most 64/);
  });
});
