import { describe, expect, it } from "vitest";
import {
  analyze as analyzeAny,
  type InspectCredentials,
  segmentsOf,
} from "../../../src/cli/commands/inspect/analyze.js";
import type { TicketAnswer } from "../../../src/core/inspect-api.js";
import { createTicket } from "../../../src/index.js";
import { KEY, NOW, SECRET } from "../../helpers/constants.js";
import { fixedKeyring } from "../../helpers/credentials.js";

/** The answer for text that is a ticket or token (never a request). */
function analyze(text: string, credentials: InspectCredentials | null, now: Date): TicketAnswer {
  const answer = analyzeAny(text, credentials, now);
  if (answer.kind === "request") throw new Error("read as a request");
  return answer;
}

const ticket = (endpoint: string) =>
  createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint }, now: NOW }).userTicket;
/** A ticket whose text has the character `c` in its signature. */
function ticketWith(c: string): string {
  for (let i = 0; ; i++) {
    const t = ticket(`user${i}`);
    if ((t.split(":")[1] as string).includes(c)) return t;
  }
}
const keyring = fixedKeyring(KEY, SECRET);
const credentials: InspectCredentials = { keyring, webhookSecret: null };

describe("the inspect page's view of a ticket", () => {
  it("tells data, separator and signature apart, and keeps every character", () => {
    const t = ticket("alice");
    const segments = segmentsOf(t, "ticket", new Set());
    expect(segments.map((s) => s.text).join("")).toBe(t);
    expect(segments.map((s) => s.part)).toEqual(["data", "separator", "signature"]);
  });

  it.each([
    ["a percent escape", (t: string) => t.replace("+", "%2B"), "%2B", "percent", "percent-encoded"],
    ["a line break", (t: string) => `${t.slice(0, 30)}\n${t.slice(30)}`, "\n", "line-break", "line-wrapped"],
    ["base64url", (t: string) => t.replaceAll("+", "-").replaceAll("/", "_"), "-", "alphabet", "base64url"],
    ["a space for '+'", (t: string) => t.replaceAll("+", " "), " ", "space", "plus-as-space"],
    ["an ellipsis where it was cut", (t: string) => `${t.slice(0, -11)}\u2026`, "\u2026", "ellipsis", "truncated"],
  ])("marks %s where the diagnosis points, and names the mistake", (_name, damage, text, kind, mistake) => {
    const damaged = damage(ticketWith("+"));
    const { verify, view } = analyze(damaged, credentials, NOW);
    const diagnosed = (verify as { diagnosis: { mistake: string }[] }).diagnosis.map((d) => d.mistake);
    expect(diagnosed).toContain(mistake);
    const marks = view.segments.filter((s) => s.mark);
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.map((m) => m.text)).toContain(text);
    expect(marks.find((m) => m.text === text)?.mark).toMatchObject({ kind, mistake });
    expect(view.causes.map((c) => c.mistake)).toContain(mistake);
  });

  it("marks nothing in a good ticket, and decodes without credentials", () => {
    const { decode, verify, view } = analyze(ticket("bob"), null, NOW);
    expect(verify).toBeNull();
    expect(view.segments.some((s) => s.mark)).toBe(false);
    expect((decode as { payload: { identity: { endpoint: string } } }).payload.identity.endpoint).toBe("bob");
    expect(view.rows[0]).toEqual(["identity", 'username "bob"']);
    expect(view.time).toMatchObject({ issuedLabel: "created", expires: null, now: NOW.getTime() });
  });

  it("says what is wrong with text that holds no ticket, or two", () => {
    expect(analyze("hello there", null, NOW).decode).toMatchObject({
      format: null,
      error: expect.stringMatching(/^malformed ticket: /),
    });
    expect(analyze(`${ticket("a")} ${ticket("b")}`, null, NOW).decode).toMatchObject({ code: "ambiguous" });
    expect(analyze("   ", null, NOW).decode).toMatchObject({ code: "empty" });
  });
});

describe("the inspect view of an invisible character", () => {
  it("marks it, naming it, under invisible-character", () => {
    const t = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: "alice" },
      now: NOW,
    }).userTicket;
    const damaged = `${t.slice(0, 10)}\u200B${t.slice(10)}`;
    const { view, verify } = analyze(damaged, credentials, NOW);
    expect(((verify?.diagnosis ?? []) as { mistake: string }[]).map((d) => d.mistake)).toEqual(["invisible-character"]);
    expect(view.segments.filter((s) => s.mark)).toEqual([
      {
        text: "\u200B",
        part: "data",
        mark: {
          kind: "invisible",
          label: "U+200B (zero-width space), which does not show",
          mistake: "invisible-character",
        },
      },
    ]);
  });
});

describe("the inspect page takes a signed request too", () => {
  it("checks HTTP Basic credentials and never shows them", () => {
    for (const [pair, code] of [
      [`${KEY}:${SECRET}`, "valid"],
      [`${KEY}:JViE5vDor0Sw3WllZka15Q==`, "bad_signature"],
    ] as const) {
      const value = Buffer.from(pair).toString("base64");
      const answer = analyzeAny(`POST /callback HTTP/1.1\r\nAuthorization: Basic ${value}\r\n\r\n{}`, credentials, NOW);
      if (answer.kind !== "request") throw new Error("read as a ticket");
      expect(answer.request).toMatchObject({ scheme: "basic", code, stringToSign: null });
      expect(answer.view.signed).toEqual([]);
      const shown = JSON.stringify(answer);
      for (const secret of [value, pair, SECRET, "JViE5vDor0Sw3WllZka15Q=="]) expect(shown).not.toContain(secret);
    }
  });

  it("gives request verify's answer for a raw request, with the string to sign line by line", async () => {
    const { signApplicationRequest } = await import("../../../src/core/request/application.js");
    const body = '{"event":"ice"}';
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/callback",
      body: Buffer.from(body),
      contentType: "application/json",
      timestamp: NOW.toISOString(),
    });
    const raw = (b: string) =>
      `POST /callback HTTP/1.1\r\nContent-Type: application/json\r\nx-timestamp: ${signed.timestamp}\r\nAuthorization: ${signed.authorization}\r\n\r\n${b}`;
    const good = analyzeAny(raw(body), credentials, NOW);
    expect(good.kind).toBe("request");
    if (good.kind !== "request") return;
    expect(good.request).toMatchObject({ valid: true, code: "valid", scheme: "application" });
    expect(good.view.signed.map((l) => l.name)).toEqual([
      "method",
      "Content-MD5",
      "Content-Type",
      "x-timestamp",
      "resource",
    ]);
    expect(good.view.applicationKey).toBe(KEY);
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const bad = analyzeAny(raw(pretty), credentials, NOW);
    if (bad.kind !== "request") throw new Error("read as a ticket");
    expect(bad.request?.code).toBe("bad_signature");
    expect(bad.request?.diagnosis.map((d) => d.mistake)).toEqual(["body-reserialized"]);
    expect(bad.view.causes.map((c) => [c.check, c.mistake])).toEqual([["signature", "body-reserialized"]]);
    // Without credentials: its parts, no verdict.
    const decoded = analyzeAny(raw(body), null, NOW);
    expect(decoded).toMatchObject({ kind: "request", request: null });
  });

  it("reads a curl command that only carries a ticket in its URL as that ticket", () => {
    const t = ticket("carol");
    const answer = analyzeAny(`curl 'https://example.com/login?ticket=${encodeURIComponent(t)}'`, credentials, NOW);
    expect(answer.kind).toBe("ticket");
  });
});
