import { describe, expect, it } from "vitest";

import { actableClients, type Me } from "./api";

describe("the clients a caller acts for", () => {
  it("is a partner's clients that granted it something", () => {
    const partner: Me = {
      subject: "p",
      role: "partner",
      partner_id: "bluewave",
      grants: [
        { client_id: "globex", scopes: ["numbers:read"] },
        { client_id: "initech", scopes: [] },
      ],
    };
    expect(actableClients(partner)).toEqual(["globex"]);
  });

  it("is any client for support, a client user's own otherwise", () => {
    expect(actableClients({ subject: "s", role: "support" })).toBeNull();
    const client: Me = {
      subject: "c",
      role: "client",
      client: { client_id: "acme", name: "Acme", billing_model: "direct", partner_id: null, prepaid: true },
    };
    expect(actableClients(client)).toEqual(["acme"]);
  });
});
