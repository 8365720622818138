import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "../../lib/api";
import type { Me } from "../accounts";
import { mayUseSupport } from "./api";
import { countsTable } from "./figures";
import { contentTypeOf, fileProblem, formatBytes, MAX_ATTACHMENT_BYTES, sortChosen, uploadRefusal } from "./files";
import { messageProblem, serverProblems, ticketProblems } from "./forms";
import { postToS3, uploadsOutcome, type Upload } from "./upload";
import {
  authorName,
  categoryName,
  contextFacts,
  duration,
  firstResponse,
  mayReopen,
  priorityName,
  ticketStatus,
} from "./wording";

describe("a ticket's values in words", () => {
  it("says a status as its reader sees it", () => {
    expect(ticketStatus("pending_customer", "customer").label).toBe("Awaiting your reply");
    expect(ticketStatus("pending_customer", "agent").label).toBe("Awaiting customer");
    expect(ticketStatus("pending_support", "customer").label).toBe("Awaiting support");
    expect(ticketStatus("open", "agent")).toMatchObject({ label: "Open", tone: "warning" });
    expect(ticketStatus("solved", "customer")).toMatchObject({ label: "Solved", tone: "good" });
    expect(ticketStatus("on_hold", "customer").label).toBe("On hold");
  });

  it("names categories and priorities", () => {
    expect(categoryName("display_name")).toBe("Display name");
    expect(categoryName("technical")).toBe("Technical");
    expect(priorityName("urgent")).toEqual({ label: "Urgent", tone: "bad" });
  });

  it("says how long support took to answer first", () => {
    expect(duration(4)).toBe("under a minute");
    expect(duration(12 * 60 + 5)).toBe("12 min");
    expect(duration(3 * 3600)).toBe("3 h");
    expect(duration(3 * 3600 + 20 * 60)).toBe("3 h 20 min");
    expect(duration(2 * 86400 + 4 * 3600 + 59)).toBe("2 d 4 h");
    expect(firstResponse({ first_response_seconds: null })).toBe("Not yet");
    expect(firstResponse({ first_response_seconds: 90 })).toBe("1 min");
  });

  it("tells the reader who wrote", () => {
    const agent = { role: "support", email: "sam@hub.example" };
    const client = { role: "client", email: "anna@acme.example" };
    expect(authorName(agent, "customer", "anna@acme.example")).toBe("Support");
    expect(authorName(agent, "agent", "kim@hub.example")).toBe("Support · sam@hub.example");
    expect(authorName(agent, "agent", "sam@hub.example")).toBe("You (support)");
    expect(authorName(client, "customer", "anna@acme.example")).toBe("You");
    expect(authorName(client, "agent", "sam@hub.example")).toBe("anna@acme.example");
    expect(authorName({ role: "client" }, "agent", "sam@hub.example")).toBe("The client");
    expect(authorName({ role: "partner", partner_id: "bluewave" }, "agent", null)).toBe("Partner bluewave");
  });

  it("offers Reopen only to a solved or closed ticket within its window", () => {
    const now = new Date("2026-12-02T10:00:00Z");
    expect(mayReopen({ status: "closed", reopen_until: "2026-12-16T10:00:00Z" }, now)).toBe(true);
    expect(mayReopen({ status: "solved", reopen_until: "2026-12-02T09:59:59Z" }, now)).toBe(false);
    expect(mayReopen({ status: "open", reopen_until: null }, now)).toBe(false);
    expect(mayReopen({ status: "closed", reopen_until: null }, now)).toBe(false);
  });
});

describe("the request another part of the hub attached", () => {
  it("reads a commerce settings request", () => {
    const facts = contextFacts("commerce_support_request", {
      request_id: "csr_1",
      number_id: "107811234567801",
      waba_id: "104996122399160",
      client_id: "globex",
      actor: { user_id: "u1", role: "client" },
      current: { is_catalog_visible: false, is_cart_enabled: false },
      wanted: { is_catalog_visible: true, is_cart_enabled: false },
      note: "Please show our catalog.",
    });
    expect(facts).toEqual([
      ["Request", "csr_1"],
      ["Number", "107811234567801"],
      ["WhatsApp Business Account", "104996122399160"],
      ["Settings now", "Catalog hidden, cart off"],
      ["Settings wanted", "Catalog shown, cart off"],
      ["Note", "Please show our catalog."],
    ]);
  });

  it("says when Meta did not tell the settings, and leaves out a note not written", () => {
    const facts = contextFacts("commerce_support_request", {
      request_id: "csr_2",
      current: null,
      wanted: { is_catalog_visible: false, is_cart_enabled: true },
    });
    expect(facts).toContainEqual(["Settings now", "Not known (Meta did not answer)"]);
    expect(facts).toContainEqual(["Settings wanted", "Catalog hidden, cart on"]);
    expect(facts.map(([name]) => name)).not.toContain("Note");
  });

  it("reads a refund request with its balance in its currency", () => {
    const facts = contextFacts("funds_refund_request", {
      request_id: "refund_1",
      client_id: "acme",
      number_id: "106540352242922",
      balance: 1785,
      currency: "eur",
      reason: "We stop using this number",
      actor: { user_id: "u1", role: "client" },
    });
    expect(facts).toEqual([
      ["Request", "refund_1"],
      ["Number", "106540352242922"],
      ["Balance when asked", "€17.85"],
      ["Reason", "We stop using this number"],
    ]);
  });

  it("shows any other context field by field", () => {
    expect(contextFacts("something_new", { order_id: "A-1", items: 3, extra: { a: 1 } })).toEqual([
      ["Order id", "A-1"],
      ["Items", "3"],
      ["Extra", '{"a":1}'],
    ]);
  });
});

describe("files before they are attached", () => {
  it("sends the browser's type when the hub takes it, else the one the name's ending means", () => {
    expect(contentTypeOf({ name: "error.png", type: "image/png" })).toBe("image/png");
    expect(contentTypeOf({ name: "export.csv", type: "application/vnd.ms-excel" })).toBe("text/csv");
    expect(contentTypeOf({ name: "Report.XLSX", type: "" })).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(contentTypeOf({ name: "tool.exe", type: "application/x-msdownload" })).toBeUndefined();
    expect(contentTypeOf({ name: "movie.mp4", type: "video/mp4" })).toBeUndefined();
  });

  it("refuses a kind the hub does not take, a file too big and an empty one, saying why", () => {
    expect(fileProblem({ name: "tool.exe", type: "application/x-msdownload", size: 10 })).toMatch(
      /^“tool.exe” was not attached: this kind of file is not accepted\. Attach images/,
    );
    expect(fileProblem({ name: "big.pdf", type: "application/pdf", size: MAX_ATTACHMENT_BYTES + 1 })).toBe(
      "“big.pdf” was not attached: it is larger than the 10 MB a file may be.",
    );
    expect(fileProblem({ name: "huge.zip", type: "application/zip", size: 12.5 * 1024 * 1024 })).toBe(
      "“huge.zip” was not attached: at 12.5 MB it is larger than the 10 MB a file may be.",
    );
    expect(fileProblem({ name: "empty.txt", type: "text/plain", size: 0 })).toBe(
      "“empty.txt” was not attached: it is empty.",
    );
    expect(fileProblem({ name: "ok.pdf", type: "application/pdf", size: MAX_ATTACHMENT_BYTES })).toBeUndefined();
  });

  it("keeps the files that may be attached and says why each other one may not", () => {
    const sorted = sortChosen([
      { name: "a.txt", type: "text/plain", size: 5 },
      { name: "b.exe", type: "", size: 5 },
      { name: "c.json", type: "application/json", size: 5 },
    ]);
    expect(sorted.accepted.map(({ file, contentType }) => [file.name, contentType])).toEqual([
      ["a.txt", "text/plain"],
      ["c.json", "application/json"],
    ]);
    expect(sorted.refused).toHaveLength(1);
    expect(sorted.refused[0]).toContain("“b.exe” was not attached");
  });

  it("says sizes and S3's refusals in words", () => {
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatBytes(48_213)).toBe("47.1 KB");
    expect(formatBytes(MAX_ATTACHMENT_BYTES)).toBe("10 MB");
    const xml =
      "<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>";
    expect(uploadRefusal(400, xml)).toBe(
      "The upload was refused: Your proposed upload exceeds the maximum allowed size (EntityTooLarge).",
    );
    expect(uploadRefusal(403, "<Error><Code>AccessDenied</Code><Message>Policy expired.</Message></Error>")).toBe(
      "The upload was refused: Policy expired (AccessDenied).",
    );
    expect(uploadRefusal(502, "")).toBe("The upload was refused (HTTP 502).");
  });
});

/** An XMLHttpRequest stand-in that records what is sent and answers as told. */
class FakeRequest {
  static last: FakeRequest | undefined;
  static answer = { status: 204, text: "" };
  method = "";
  url = "";
  body: FormData | undefined;
  status = 0;
  responseText = "";
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    FakeRequest.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: FormData) {
    this.body = body;
    this.upload.onprogress?.({ loaded: 6, total: 12, lengthComputable: true });
    this.upload.onprogress?.({ loaded: 12, total: 12, lengthComputable: true });
    this.status = FakeRequest.answer.status;
    this.responseText = FakeRequest.answer.text;
    this.onload?.();
  }
}

describe("an upload to S3 with its pre-signed POST", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeRequest.answer = { status: 204, text: "" };
  });

  const form = {
    url: "http://s3.test/bucket",
    fields: { "Content-Type": "text/plain", key: "tickets/tkt_1/att_1", policy: "p", "x-amz-signature": "s" },
    expires_at: "2026-12-02T10:10:00Z",
  };

  it("posts every field as it is and the file last, and reports the progress", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    const progress: number[] = [];
    await postToS3(form, new Blob(["hello world!"], { type: "text/plain" }), (sent) => {
      progress.push(sent);
    });
    const request = FakeRequest.last;
    expect([request?.method, request?.url]).toEqual(["POST", "http://s3.test/bucket"]);
    const sent = [...(request?.body?.keys() ?? [])];
    expect(sent).toEqual(["Content-Type", "key", "policy", "x-amz-signature", "file"]);
    expect(request?.body?.get("key")).toBe("tickets/tkt_1/att_1");
    expect(progress).toEqual([6, 12]);
  });

  it("fails with S3's words when S3 refuses", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeRequest);
    FakeRequest.answer = { status: 403, text: "<Error><Code>AccessDenied</Code><Message>Nope</Message></Error>" };
    await expect(postToS3(form, new Blob(["x"]), () => undefined)).rejects.toThrow(
      "The upload was refused: Nope (AccessDenied).",
    );
  });

  it("tells what the uploads came to", () => {
    const upload = (state: Upload["state"]): Upload => ({
      key: state,
      file: new File(["x"], `${state}.txt`),
      contentType: "text/plain",
      state,
      sent: 0,
    });
    expect(uploadsOutcome([])).toBe("none");
    expect(uploadsOutcome([upload("done"), upload("uploading")])).toBe("running");
    expect(uploadsOutcome([upload("done"), upload("done")])).toBe("done");
    expect(uploadsOutcome([upload("done"), upload("failed")])).toBe("failed");
  });
});

describe("the forms", () => {
  const draft = { subject: "", category: "" as const, priority: "normal" as const, numberId: "", description: "" };

  it("asks for a subject, a category and a description", () => {
    expect(ticketProblems(draft)).toEqual({
      subject: "Write a subject: what is it about, in one line.",
      category: "Choose a category.",
      description: "Describe what happened and what you expected.",
    });
    expect(ticketProblems({ ...draft, subject: "x".repeat(151), category: "billing", description: "Hi" })).toEqual({
      subject: "At most 150 characters.",
    });
    expect(ticketProblems({ ...draft, subject: "Help", category: "other", description: "  It broke. " })).toEqual({});
    expect(messageProblem("   ")).toBe("Write a message.");
    expect(messageProblem("Thanks")).toBeUndefined();
  });

  it("places the API's refusals at their fields", () => {
    const refusal = new ApiError({
      status: 422,
      title: "Validation failed",
      detail: "The ticket is not valid.",
      errors: [
        { field: "body.number_id", message: "Not one of the client's numbers." },
        { field: "body.subject", message: "Too long." },
        { field: "body.client_id", message: "Name the client." },
      ],
    });
    expect(serverProblems(refusal)).toEqual({ numberId: "Not one of the client's numbers.", subject: "Too long." });
    expect(serverProblems(new Error("offline"))).toEqual({});
  });
});

describe("who may use a client's Support", () => {
  const me = (role: Me["role"], grants: Me["grants"] = []): Me => ({ subject: "u1", role, grants });

  it("lets client users use their own, agents any client's, partners those granting tickets:write", () => {
    expect(mayUseSupport(me("client"), undefined)).toBe(true);
    expect(mayUseSupport(me("support"), "acme")).toBe(true);
    expect(mayUseSupport(me("support"), undefined)).toBe(false);
    const partner = me("partner", [
      { client_id: "globex", scopes: ["numbers:read", "tickets:write"] },
      { client_id: "initech", scopes: ["numbers:read"] },
    ]);
    expect(mayUseSupport(partner, "globex")).toBe(true);
    expect(mayUseSupport(partner, "initech")).toBe(false);
  });
});

describe("the queue's figures", () => {
  it("counts the tickets not closed by status and category", () => {
    const rows = countsTable([
      { status: "open", category: "technical", tickets: 2 },
      { status: "open", category: "billing", tickets: 1 },
      { status: "pending_customer", category: "numbers", tickets: 4 },
      { status: "closed", category: "numbers", tickets: 9 },
    ]);
    expect(rows.map((row) => [row.status, row.total])).toEqual([
      ["open", 3],
      ["pending_support", 0],
      ["pending_customer", 4],
      ["solved", 0],
    ]);
    expect(rows[0]?.counts).toEqual([0, 0, 1, 0, 2, 0]);
  });
});
