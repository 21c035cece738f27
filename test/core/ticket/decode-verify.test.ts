import { describe, expect, it } from "vitest";
import {
  createTicket,
  type DecodedTicket,
  decodeTicket,
  MalformedTicketError,
  signTicketJson,
  verifyTicket,
} from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const sign = (json: string) => signTicketJson(json, SECRET);
const good =
  '{"identity":{"type":"username","endpoint":"a"},"applicationkey":"K","created":"2026-11-28T12:00:00.0000000Z"}';

describe("decodeTicket says exactly what is malformed", () => {
  it.each([
    ["", "the ticket is empty"],
    ["abc", "no ':' separator between ticket data and signature"],
    ["a:b:c", "2 ':' separators; a ticket has exactly one, between data and signature"],
    ["eyJ-:x", "ticket data (before ':') is not standard base64: it contains '-' (base64url alphabet) at position 4"],
    [`${b64("hello")}:${b64("x".repeat(32))}`, 'ticket data is not JSON: it starts with "hello"'],
    [
      `${b64('{"a":1,}')}:${b64("x".repeat(32))}`,
      "ticket data is not valid JSON at character 8: expected a property name in double quotes, found '}'",
    ],
    [`${b64("[1]")}:${b64("x".repeat(32))}`, "ticket data is JSON but an array, not an object"],
    [`${b64("{}")}:${b64("x".repeat(32))}`, "ticket data has no 'identity' field"],
    [
      `${b64('{"identity":{"type":"username"}}')}:${b64("x".repeat(32))}`,
      "ticket data has no 'identity.endpoint' field",
    ],
    [
      `${b64('{"identity":{"type":1,"endpoint":"a"}}')}:${b64("x".repeat(32))}`,
      "ticket field 'identity.type' must be a string, found a number",
    ],
    [
      `${b64('{"identity":{"type":"u","endpoint":"a"},"created":"x"}')}:${b64("x".repeat(32))}`,
      "ticket data has no 'applicationKey' field",
    ],
    [
      `${b64('{"identity":{"type":"u","endpoint":"a"},"applicationKey":"K","applicationkey":"K"}')}:${b64("x".repeat(32))}`,
      // Read as Sinch reads it, one key (the last): the next field missing is named.
      "ticket data has no 'created' field",
    ],
    [
      `${b64('{"identity":{"type":"u","endpoint":"a"},"applicationKey":"K","created":"yesterday"}')}:${b64("x".repeat(32))}`,
      `ticket field 'created' is not an ISO 8601 time: "yesterday"`,
    ],
    [
      `${b64('{"identity":{"type":"u","endpoint":"a"},"applicationKey":"K","created":"2026-01-01T00:00:00Z","expiresIn":"3600"}')}:${b64("x".repeat(32))}`,
      "ticket field 'expiresIn' must be a whole number of seconds, found a string",
    ],
    [
      `${b64(good)}:abc`,
      "signature (after ':') is not standard base64: it is 3 characters long, not a multiple of 4 (padding missing?)",
    ],
    [`${b64(good)}:${b64("x".repeat(31))}`, "signature is 31 bytes; an HMAC-SHA256 signature is 32"],
    // Standard characters only (read on the fast path) but still not canonical base64.
    [
      `${b64(good)}:${b64("x".repeat(32)).replace(/=$/, "")}`,
      "signature (after ':') is not standard base64: it is 43 characters long, not a multiple of 4 (padding missing?)",
    ],
    [
      `${b64(good)}:${b64("x".repeat(32)).replace(/.=$/, "R=")}`,
      "signature (after ':') is not standard base64: it has a last character whose unused bits are not zero",
    ],
    [`QR==:${b64("x".repeat(32))}`, "ticket data (before ':') is not standard base64: it has a last character whose"],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "this is a registration token (JWT), not a user ticket"],
  ])("%j", (ticket, message) => {
    expect(() => decodeTicket(ticket)).toThrow(MalformedTicketError);
    expect(() => decodeTicket(ticket)).toThrow(message);
  });
});

describe("decodeTicket", () => {
  it("accepts the application key field in any casing and reports it", () => {
    const json =
      '{"identity":{"type":"username","endpoint":"a"},"APPLICATIONKEY":"K","created":"2026-11-28T12:00:00Z"}';
    const decoded = decodeTicket(sign(json), { now: NOW });
    expect(decoded.applicationKey).toBe("K");
    expect(decoded.applicationKeyField).toBe("APPLICATIONKEY");
    expect(decoded.style).toBe("other");
    expect(verifyTicket(sign(json), { applicationSecret: SECRET, applicationKey: "K", now: NOW }).code).toBe("valid");
  });

  it("keeps the exact JSON text, however it is spaced", () => {
    const json =
      '{ "applicationKey" : "K", "identity": {"type":"username","endpoint":"a"}, "created": "2026-11-28T12:00:00+00:00", "expiresIn": 3600 }';
    const decoded = decodeTicket(sign(json), { now: NOW });
    expect(decoded.json).toBe(json);
    expect(decoded.expiresAt).toBe("2026-11-28T13:00:00.000Z");
  });

  it("reads Latin-1 ticket data and warns about it", () => {
    const json =
      '{"applicationKey":"K","identity":{"type":"username","endpoint":"Zoë"},"created":"2026-11-28T12:00:00.000Z","expiresIn":86400}';
    const ticket = `${Buffer.from(json, "latin1").toString("base64")}:${b64("x".repeat(32))}`;
    // Malformed (Sinch reads UTF-8), but what it says is still shown.
    expect(() => decodeTicket(ticket, { now: NOW })).toThrow(
      /ticket data is not valid UTF-8 \(byte 0xEB at offset 66\)/,
    );
    const decoded = (() => {
      try {
        decodeTicket(ticket, { now: NOW });
      } catch (error) {
        return (error as MalformedTicketError).decoded as DecodedTicket;
      }
    })();
    expect(decoded?.identity.endpoint).toBe("Zoë");
    expect(decoded?.warnings.join()).toMatch(/not valid UTF-8 and was read as Latin-1/);
  });
});

describe("verifyTicket", () => {
  const made = (opts: Partial<Parameters<typeof createTicket>[0]> = {}) =>
    createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "alice" }, now: NOW, ...opts })
      .userTicket;

  it("reports every check for a valid ticket", () => {
    const result = verifyTicket(made({ expiresIn: 3600 }), {
      applicationSecret: SECRET,
      applicationKey: KEY,
      now: NOW,
    });
    expect(result.valid).toBe(true);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["format", true],
      ["applicationKey", true],
      ["signature", true],
      ["created", true],
      ["expiry", true],
    ]);
  });

  it("skips the key check when no key is given", () => {
    const result = verifyTicket(made(), { applicationSecret: SECRET, now: NOW });
    expect(result.checks[1]).toMatchObject({ name: "applicationKey", ok: null });
    expect(result.code).toBe("valid");
  });

  it("detects another secret, another key, expiry and future tickets", () => {
    expect(verifyTicket(made(), { applicationSecret: OTHER_SECRET, now: NOW }).code).toBe("bad_signature");
    expect(verifyTicket(made(), { applicationSecret: SECRET, applicationKey: "other", now: NOW }).code).toBe(
      "key_mismatch",
    );
    expect(verifyTicket(made({ created: "-2h", expiresIn: 3600 }), { applicationSecret: SECRET, now: NOW }).code).toBe(
      "expired",
    );
    expect(verifyTicket(made({ created: "+10m" }), { applicationSecret: SECRET, now: NOW }).code).toBe("not_yet_valid");
  });

  it("applies the clock skew at both ends", () => {
    const future = made({ created: "+4m" });
    expect(verifyTicket(future, { applicationSecret: SECRET, now: NOW }).code).toBe("valid");
    expect(verifyTicket(future, { applicationSecret: SECRET, now: NOW, clockSkew: 60 }).code).toBe("not_yet_valid");
    const ended = made({ created: "-1h4m", expiresIn: 3600 });
    expect(verifyTicket(ended, { applicationSecret: SECRET, now: NOW }).code).toBe("valid");
    expect(verifyTicket(ended, { applicationSecret: SECRET, now: NOW, clockSkew: 0 }).code).toBe("expired");
  });

  it("applies --max-age and the earlier of two bounds", () => {
    const old = made({ created: "-2h" });
    expect(verifyTicket(old, { applicationSecret: SECRET, now: NOW }).code).toBe("valid");
    const result = verifyTicket(old, { applicationSecret: SECRET, now: NOW, maxAge: 3600 });
    expect(result.code).toBe("expired");
    expect(result.checks[4]?.detail).toMatch(/maximum age 1h/);
    expect(
      verifyTicket(made({ created: "-2h", expiresIn: 86400 }), { applicationSecret: SECRET, now: NOW, maxAge: 3600 })
        .code,
    ).toBe("expired");
  });

  it("ignores time when asked", () => {
    const result = verifyTicket(made({ created: "-3d", expiresIn: 60 }), {
      applicationSecret: SECRET,
      now: NOW,
      ignoreTime: true,
    });
    expect(result.code).toBe("valid");
    expect(result.checks.slice(3).map((c) => c.ok)).toEqual([null, null]);
  });

  it("names the first failure in the contract's order: malformed, key, signature, expired, not yet valid", () => {
    // Wrong key, wrong secret and expired at once: key mismatch wins.
    const t = made({ created: "-2h", expiresIn: 60 });
    expect(verifyTicket(t, { applicationSecret: OTHER_SECRET, applicationKey: "x", now: NOW }).code).toBe(
      "key_mismatch",
    );
    expect(verifyTicket(t, { applicationSecret: OTHER_SECRET, now: NOW }).code).toBe("bad_signature");
    const broken = `${t.split(":")[0]}:${b64("x".repeat(31))}`;
    const result = verifyTicket(broken, { applicationSecret: SECRET, applicationKey: "x", now: NOW });
    expect(result.code).toBe("malformed");
    expect(result.checks.map((c) => c.ok)).toEqual([false, false, null, true, false]);
  });

  it("verifies the exact bytes, not a re-serialisation", () => {
    const json =
      '{"created":"2026-11-28T12:00:00Z","identity":{"endpoint":"a","type":"username"},"applicationKey":"K"}';
    expect(verifyTicket(sign(json), { applicationSecret: SECRET, now: NOW }).code).toBe("valid");
    const respaced = sign(json.replace(",", ", "));
    const [data] = respaced.split(":");
    const [, sig] = sign(json).split(":");
    expect(verifyTicket(`${data}:${sig}`, { applicationSecret: SECRET, now: NOW }).code).toBe("bad_signature");
  });

  it("refuses a secret that is not base64", () => {
    expect(() => verifyTicket(made(), { applicationSecret: "not base64!" })).toThrow(/not standard base64/);
  });
});
