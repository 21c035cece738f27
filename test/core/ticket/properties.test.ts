import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTicket, signTicketJson, ticketJson, verifyTicket } from "../../../src/index.js";
import { NOW, SECRET } from "../../helpers/constants.js";

const style = fc.constantFrom("dotnet" as const, "js" as const);
// Any well-formed Unicode text, control characters and separators included.
const endpoint = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });
const created = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

function build(s: "dotnet" | "js", e: string, c: string) {
  const createdText = s === "dotnet" ? c.replace("Z", "0000Z") : c;
  const json = ticketJson(s, {
    applicationKey: "K",
    identity: { type: "username", endpoint: e },
    created: createdText,
    expiresIn: s === "js" ? 86400 : null,
  });
  return { json, ticket: signTicketJson(json, SECRET) };
}

describe("round trip", () => {
  it("sign, decode and verify agree for any endpoint in both layouts", () => {
    fc.assert(
      fc.property(style, endpoint, created, (s, e, c) => {
        const { json, ticket } = build(s, e, c);
        const decoded = decodeTicket(ticket, { now: NOW });
        expect(decoded.json).toBe(json);
        expect(decoded.identity.endpoint).toBe(e);
        expect(decoded.style).toBe(s);
        expect(JSON.parse(json).identity.endpoint).toBe(e);
        expect(verifyTicket(ticket, { applicationSecret: SECRET, applicationKey: "K", ignoreTime: true }).code).toBe(
          "valid",
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("tamper detection", () => {
  it("any change to a ticket makes verification fail", () => {
    const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=: ";
    fc.assert(
      fc.property(style, endpoint, created, fc.nat(), fc.constantFrom(...base64Chars), (s, e, c, at, ch) => {
        const { ticket } = build(s, e, c);
        const i = at % ticket.length;
        fc.pre(ticket[i] !== ch);
        const tampered = ticket.slice(0, i) + ch + ticket.slice(i + 1);
        const result = verifyTicket(tampered, { applicationSecret: SECRET, applicationKey: "K", ignoreTime: true });
        expect(result.valid).toBe(false);
        expect(["malformed", "bad_signature", "key_mismatch"]).toContain(result.code);
      }),
      { numRuns: 2000 },
    );
  });

  it("dropping or adding a character anywhere makes verification fail", () => {
    fc.assert(
      fc.property(style, endpoint, created, fc.nat(), fc.boolean(), (s, e, c, at, drop) => {
        const { ticket } = build(s, e, c);
        const i = at % ticket.length;
        const changed = drop ? ticket.slice(0, i) + ticket.slice(i + 1) : `${ticket.slice(0, i)}A${ticket.slice(i)}`;
        expect(verifyTicket(changed, { applicationSecret: SECRET, ignoreTime: true }).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
