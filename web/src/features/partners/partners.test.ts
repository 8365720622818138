import { describe, expect, it } from "vitest";

import {
  changeStatus,
  decidedBy,
  hasOpen,
  listWords,
  pendingWords,
  requestProblems,
  savedMessage,
  scopeDiff,
  scopeName,
  unseenMove,
} from "./wording";

const ORDER = ["numbers:read", "templates:read", "templates:write", "insights:read", "tickets:write"];

describe("partner permissions in words", () => {
  it("names a scope with its code, an unknown one by its code", () => {
    expect(scopeName("numbers:read")).toBe("See numbers (numbers:read)");
    expect(scopeName("tickets:write")).toBe("Use Support (tickets:write)");
    expect(scopeName("calls:write")).toBe("calls:write");
  });

  it("tells what a change grants and revokes, in the choices' order", () => {
    expect(
      scopeDiff(["numbers:read", "templates:read"], ["tickets:write", "templates:read", "insights:read"], ORDER),
    ).toEqual({ granted: ["insights:read", "tickets:write"], revoked: ["numbers:read"] });
    expect(scopeDiff(["numbers:read"], ["numbers:read"], ORDER)).toEqual({ granted: [], revoked: [] });
    expect(scopeDiff([], ["b", "a"])).toEqual({ granted: ["a", "b"], revoked: [] });
  });

  it("joins words as a sentence does", () => {
    expect(listWords([])).toBe("");
    expect(listWords(["a"])).toBe("a");
    expect(listWords(["a", "b"])).toBe("a and b");
    expect(listWords(["a", "b", "c"])).toBe("a, b and c");
  });

  it("says what is not saved yet", () => {
    expect(pendingWords({ granted: [], revoked: [] })).toBeUndefined();
    expect(pendingWords({ granted: ["insights:read"], revoked: ["numbers:read", "templates:read"] })).toBe(
      "Not saved yet: grant insights:read; revoke numbers:read and templates:read.",
    );
  });

  it("says what a save did", () => {
    expect(
      savedMessage(
        "Bluewave Software",
        ["numbers:read", "templates:read", "insights:read"],
        ["templates:read", "insights:read"],
      ),
    ).toBe("Saved: Bluewave Software no longer has numbers:read. It is granted templates:read and insights:read.");
    expect(savedMessage("Bluewave Software", [], ["numbers:read"])).toBe(
      "Saved: Bluewave Software now has numbers:read. It is granted numbers:read.",
    );
    expect(savedMessage("Bluewave Software", ["numbers:read"], [])).toBe(
      "Saved: Bluewave Software no longer has numbers:read. Bluewave Software is granted nothing now.",
    );
  });
});

describe("partner change requests", () => {
  const request = { target_partner_name: "Northwind Digital", client_name: "Initech Inc" };

  it("says each status as its reader sees it", () => {
    expect(changeStatus("pending", "client", request)).toEqual({
      label: "Pending",
      tone: "warning",
      explanation: "Waiting for Northwind Digital to accept or decline.",
    });
    expect(changeStatus("pending", "partner", request).explanation).toBe("Waiting for your answer.");
    expect(changeStatus("accepted", "partner", request).explanation).toBe(
      "Northwind Digital accepted: Initech Inc moves with every number in a moment.",
    );
    expect(changeStatus("declined", "client", request)).toMatchObject({ label: "Declined", tone: "bad" });
    expect(changeStatus("cancelled", "client", request).explanation).toBe(
      "Withdrawn by the client before Northwind Digital answered.",
    );
    expect(changeStatus("cancelled", "partner", request).explanation).toBe(
      "Withdrawn by Initech Inc before you answered.",
    );
    expect(changeStatus("completed", "client", request)).toEqual({
      label: "Completed",
      tone: "good",
      explanation: "The client moved with every number to Northwind Digital.",
    });
    expect(changeStatus("archived", "client", request).label).toBe("archived");
  });

  it("asks again while a request is pending or accepted", () => {
    expect(hasOpen(undefined)).toBe(false);
    expect(hasOpen([{ status: "declined" }, { status: "completed" }, { status: "cancelled" }])).toBe(false);
    expect(hasOpen([{ status: "completed" }, { status: "pending" }])).toBe(true);
    expect(hasOpen([{ status: "accepted" }])).toBe(true);
  });

  it("finds a completed move the partner shown does not know of", () => {
    const moved = { request_id: "pcr_2", status: "completed", target_partner_id: "northwind" };
    const older = { request_id: "pcr_1", status: "completed", target_partner_id: "bluewave" };
    expect(unseenMove("bluewave", [moved, older])).toBe(moved);
    expect(unseenMove("northwind", [moved, older])).toBeUndefined();
    expect(unseenMove(null, [{ ...moved, status: "accepted" }, older])).toBe(older);
    expect(unseenMove("bluewave", [{ ...moved, status: "declined" }])).toBeUndefined();
    expect(unseenMove("bluewave", undefined)).toBeUndefined();
  });

  it("checks a request before it is sent", () => {
    expect(requestProblems({ targetPartnerId: " northwind ", reason: "Better support." })).toEqual({});
    expect(requestProblems({ targetPartnerId: "", reason: " " })).toEqual({
      targetPartnerId: "Enter the ID of the partner you want to work with.",
      reason: "Say why you want to change partner.",
    });
    expect(requestProblems({ targetPartnerId: "north wind", reason: "x".repeat(1001) })).toEqual({
      targetPartnerId: "A partner ID is up to 64 letters, digits, - and _, e.g. northwind.",
      reason: "At most 1000 characters.",
    });
  });
});

describe("who decided a change request", () => {
  it("names auto-approval, else the deciding user by e-mail or ID, and nobody while undecided", () => {
    const user = { user_id: "u-1", email: "nina@northwind.example" };
    expect(decidedBy({ auto_approved: true, decided_by: null })).toBe("auto-approval");
    expect(decidedBy({ auto_approved: false, decided_by: user })).toBe("nina@northwind.example");
    expect(decidedBy({ auto_approved: false, decided_by: { user_id: "u-1", email: null } })).toBe("u-1");
    expect(decidedBy({ auto_approved: false, decided_by: null })).toBeUndefined();
  });
});
