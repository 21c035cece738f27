import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeTicket, verifyTicket } from "../../../src/index.js";
import { SECRET } from "../../helpers/constants.js";

/** `created` as the PHP, Python, Ruby and Java samples write it (formats.md, "others"). */
function ticketCreated(created: string): string {
  const json = JSON.stringify({
    identity: { type: "username", endpoint: "alice" },
    expiresIn: 3600,
    applicationKey: "k",
    created,
  });
  const signature = createHmac("sha256", Buffer.from(SECRET, "base64")).update(json).digest("base64");
  return `${Buffer.from(json).toString("base64")}:${signature}`;
}

const now = new Date("2026-11-28T12:30:00Z");

describe("created in the forms producers write it", () => {
  it.each([
    ["2026-11-28T12:00:00Z", "2026-11-28T12:00:00.000Z", false],
    ["2026-11-28T13:00:00+01:00", "2026-11-28T12:00:00.000Z", false],
    ["2026-11-28T12:00:00", "2026-11-28T12:00:00.000Z", true],
    ["2026-11-28T12:00:00.123456", "2026-11-28T12:00:00.123Z", true],
  ])("%s", (created, instant, zoneless) => {
    const ticket = ticketCreated(created);
    const decoded = decodeTicket(ticket, { now });
    expect(decoded.created).toBe(created);
    expect(new Date(decoded.createdAt).toISOString()).toBe(instant);
    expect(decoded.expiresAt).toBe(new Date(Date.parse(instant) + 3600_000).toISOString());
    expect(decoded.warnings.some((w) => /no time zone .* read as UTC/.test(w))).toBe(zoneless);
    expect(verifyTicket(ticket, { applicationSecret: SECRET, applicationKey: "k", now }).code).toBe("valid");
  });
});

describe("ticket data text", () => {
  it("leaves out a leading byte-order mark, as UTF-8 decoders do, while the MAC covers it", () => {
    const json = `\ufeff${JSON.stringify({ identity: { type: "username", endpoint: "alice" }, applicationKey: "k", created: "2026-11-28T12:00:00Z" })}`;
    const bytes = Buffer.from(json, "utf8");
    const signature = createHmac("sha256", Buffer.from(SECRET, "base64")).update(bytes).digest("base64");
    const ticket = `${bytes.toString("base64")}:${signature}`;
    expect(decodeTicket(ticket, { now }).json.startsWith("{")).toBe(true);
    expect(verifyTicket(ticket, { applicationSecret: SECRET, applicationKey: "k", now }).code).toBe("valid");
  });
});
