import { describe, expect, it } from "vitest";

import { codeProblem, passwordProblem } from "./password";

describe("passwordProblem", () => {
  it("takes what the pool's policy allows", () => {
    expect(passwordProblem("A-brand-new-Passw0rd")).toBeUndefined();
  });

  it("names what is missing", () => {
    expect(passwordProblem("Sh0rt")).toMatch(/at least 12/);
    expect(passwordProblem("NO-LOWER-CASE-1")).toBe("Add a lower-case letter.");
    expect(passwordProblem("no-upper-case-1")).toBe("Add an upper-case letter.");
    expect(passwordProblem("No-digits-at-all")).toBe("Add a digit.");
  });
});

describe("codeProblem", () => {
  it("takes six digits, trimmed", () => {
    expect(codeProblem(" 123456 ")).toBeUndefined();
  });

  it("refuses anything else", () => {
    for (const draft of ["", "12345", "1234567", "12a456"]) expect(codeProblem(draft)).toBeDefined();
  });
});
