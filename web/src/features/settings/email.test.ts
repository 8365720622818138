import { describe, expect, it } from "vitest";

import { emailProblem } from "./email";

describe("emailProblem", () => {
  it("takes an address, trimmed", () => {
    expect(emailProblem("  anna.neu@acme.example ", "anna@acme.example")).toBeUndefined();
    expect(emailProblem("o'brien+hub@mail.acme.example", "anna@acme.example")).toBeUndefined();
  });

  it("refuses what is no address, as the API does", () => {
    for (const draft of ["", "anna", "anna@localhost", "anna neu@acme.example", '"anna"@acme.example']) {
      expect(emailProblem(draft, "anna@acme.example")).toBeDefined();
    }
    expect(emailProblem(`${"a".repeat(250)}@acme.example`, "anna@acme.example")).toMatch(/like name@example.com/);
  });

  it("refuses the current address, whatever its case", () => {
    expect(emailProblem("Anna@Acme.example", "anna@acme.example")).toBe("That is already your sign-in address.");
  });
});
