/**
 * Times read from input, at and past the limits of the years 0001-9999, through every
 * entry point: a time outside them is a malformed input (exit 6) that names the field,
 * never an internal error; a batch runs every other line and ends with exit 8.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAll } from "../../src/cli/commands/callback/check.js";
import { analyze } from "../../src/cli/commands/inspect/analyze.js";
import { registrationSigningKey } from "../../src/core/token/format.js";
import { createTicket } from "../../src/index.js";
import { createInspectServer } from "../../src/server/inspect.js";
import { KEY, NOW, SECRET } from "../helpers/constants.js";
import { fixedKeyring } from "../helpers/credentials.js";
import { runCli } from "../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: "whsecret" };
const secretBytes = Buffer.from(SECRET, "base64");

/** The oracle, by Date's own calendar: is `ms` an instant within the years 0001-9999? */
function inYears(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  return Number.isFinite(ms) && year >= 1 && year <= 9999;
}

const FIRST_SECOND = -62_135_596_800; // 0001-01-01T00:00:00Z
const LAST_SECOND = 253_402_300_799; // 9999-12-31T23:59:59Z
/** Seconds at and past the limits, and far beyond them. */
const seconds = fc.oneof(
  fc.constantFrom(
    FIRST_SECOND,
    FIRST_SECOND - 1,
    LAST_SECOND,
    LAST_SECOND + 1,
    8_640_000_000_000,
    9_000_000_000_000,
    -9_000_000_000_000,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ),
  fc.integer({ min: FIRST_SECOND - 10, max: FIRST_SECOND + 10 }),
  fc.integer({ min: LAST_SECOND - 10, max: LAST_SECOND + 10 }),
  fc.maxSafeInteger(),
);
/** ISO times written at the edges, with offsets that carry them across. */
const isoTimes = fc.tuple(
  fc.constantFrom("0001-01-01T00:00:00", "0001-01-01T00:59:59", "9999-12-31T23:59:59", "9999-12-31T23:00:00"),
  fc.constantFrom("Z", "+00:00", "+01:00", "-01:00", "+23:59", "-23:59", ".999Z", ".9999999-00:01"),
);
function isoMs([base, zone]: [string, string]): number {
  const fraction = zone.startsWith(".") ? zone.slice(0, zone.search(/[Z+-]/)) : "";
  const offset = zone.slice(fraction.length);
  const sign = offset.startsWith("-") ? -1 : 1;
  const minutes = offset === "Z" ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const [y, mo, d, h, mi, s] = base.split(/[-T:]/).map(Number) as number[];
  const at = new Date(0);
  at.setUTCFullYear(y as number, (mo as number) - 1, d as number);
  at.setUTCHours(h as number, mi as number, s as number, 0);
  return at.getTime() - minutes * 60_000 + Math.trunc(Number(`0${fraction || ".0"}`) * 1000);
}

function ticketOf(json: string): string {
  const data = Buffer.from(json, "utf8");
  return `${data.toString("base64")}:${createHmac("sha256", secretBytes).update(data).digest("base64")}`;
}
function ticketWith(created: string, expiresIn: number | null): string {
  const expires = expiresIn === null ? "" : `,"expiresIn":${expiresIn}`;
  return ticketOf(
    `{"applicationKey":"${KEY}","identity":{"type":"username","endpoint":"alice"},"created":"${created}"${expires}}`,
  );
}
const b64url = (text: string) => Buffer.from(text).toString("base64url");
function tokenWith(claims: Record<string, number>): string {
  const body = {
    iss: `//rtc.sinch.com/applications/${KEY}`,
    sub: `//rtc.sinch.com/applications/${KEY}/users/alice`,
    nonce: "n",
    iat: 1_795_000_000,
    exp: 1_795_000_600,
    ...claims,
  };
  const input = `${b64url('{"alg":"HS256","kid":"hkdfv1-20261108"}')}.${b64url(JSON.stringify(body))}`;
  const signature = createHmac("sha256", registrationSigningKey(SECRET, "20261108")).update(input).digest();
  return `${input}.${signature.toString("base64url")}`;
}

/** One input with a time in it, and whether that time is within the years 0001-9999. */
interface Case {
  kind: "ticket" | "token";
  text: string;
  field: string;
  inRange: boolean;
}
const createdMs = Date.parse("2026-11-28T11:00:00Z");
const ticketCases: fc.Arbitrary<Case> = fc.oneof(
  seconds.map((n) => ({
    kind: "ticket" as const,
    text: ticketWith("2026-11-28T11:00:00Z", Math.abs(n)),
    field: "expiresIn",
    inRange: inYears(createdMs + Math.abs(n) * 1000),
  })),
  isoTimes.map((t) => ({
    kind: "ticket" as const,
    text: ticketWith(t.join(""), null),
    field: "created",
    inRange: inYears(isoMs(t)),
  })),
);
const tokenCases: fc.Arbitrary<Case> = fc.oneof(
  seconds.map((n) => {
    const exp = Number.isSafeInteger(n + 600) ? n + 600 : n;
    return {
      kind: "token" as const,
      text: tokenWith({ iat: n, exp }),
      field: inYears(n * 1000) ? "exp" : "iat",
      inRange: inYears(n * 1000) && inYears(exp * 1000),
    };
  }),
  seconds.map((n) => ({
    kind: "token" as const,
    text: tokenWith({ exp: n }),
    field: "exp",
    inRange: inYears(n * 1000),
  })),
  seconds.map((n) => ({
    kind: "token" as const,
    text: tokenWith({ "sinch:rtc:instance:exp": n }),
    field: "sinch:rtc:instance:exp",
    inRange: inYears(n * 1000),
  })),
);
const cases = fc.oneof(ticketCases, tokenCases);

const signature = Buffer.alloc(32, 7).toString("base64");
const webhook = (n: number, algorithm: string) =>
  `POST /x HTTP/1.1\ncontent-type: application/json\nx-sinch-webhook-signature: ${signature}\nx-sinch-webhook-signature-nonce: n\nx-sinch-webhook-signature-timestamp: ${n}\n${algorithm}\n{}`;
/** Signed requests (not signed right: the signature is not what is looked at) with a time. */
const requestCases = fc.oneof(
  isoTimes.map((t) => ({
    text: `POST /x HTTP/1.1\nx-timestamp: ${t.join("")}\nAuthorization: Application ${KEY}:${signature}\n\n`,
    field: "x-timestamp",
    inRange: inYears(isoMs(t)),
  })),
  fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => ({
    text: webhook(n, "x-sinch-webhook-signature-algorithm: HmacSHA256\n"),
    field: "x-sinch-webhook-signature-timestamp",
    inRange: inYears(n * 1000),
  })),
  fc.constantFrom(LAST_SECOND, LAST_SECOND + 1, 999_999_999_999).map((n) => ({
    text: webhook(n, ""),
    field: "x-sinch-webhook-signature-timestamp",
    inRange: inYears(n * 1000),
  })),
);

/** What every entry point must say of a case: 6 naming the field when out of range. */
function expectJudged(c: Omit<Case, "kind">, code: number, text: string): void {
  expect(text).not.toMatch(/internal error|Invalid time value|RangeError/);
  if (c.inRange) {
    expect(text).not.toContain("outside the years 0001-9999");
  } else {
    expect(code).toBe(6);
    expect(text).toContain(`'${c.field}'`);
    expect(text).toContain("outside the years 0001-9999");
  }
}

const runs = { numRuns: 40 };

describe("times outside the years 0001-9999", () => {
  it("decode: exit 6 naming the field, the rest shown", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const r = await runCli(["decode", c.text], { now: NOW });
        expect([0, 6]).toContain(r.code);
        expectJudged(c, r.code, r.stderr);
        // A ticket shows the rest of what it says (a token with other damage shows only the error).
        if (!c.inRange && c.kind === "ticket") expect(r.stdout).toMatch(/alice/);
        const json = await runCli(["decode", "--json", c.text], { now: NOW });
        expect(json.code).toBe(r.code);
        const doc = JSON.parse(json.stdout);
        expectJudged(c, json.code, doc.error ?? "");
      }),
      runs,
    );
  });

  it("verify: exit 6 naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const r = await runCli(["verify", "--ignore-time", c.text], { env, now: NOW });
        expect(c.kind === "ticket" ? [0, 6] : [0, 3, 4, 5, 6]).toContain(r.code);
        expectJudged(c, r.code, r.stdout + r.stderr);
        if (c.inRange && c.kind === "ticket") expect(r.code).toBe(0);
        if (!c.inRange) {
          // The time checks skip a time out of range (it is the format's problem).
          const json = JSON.parse((await runCli(["verify", "--json", c.text], { env, now: NOW })).stdout);
          expect(json.code).toBe("malformed");
          const skipped = json.checks.filter((k: { name: string }) => k.name === "created" || k.name === "expiry");
          expect(skipped.map((k: { ok: boolean | null }) => k.ok)).toEqual([null, null]);
        }
      }),
      runs,
    );
  });

  it("verify --batch: every other line is run, exit 8 (short runs)", async () => {
    const good = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: "a" },
      now: NOW,
    }).userTicket;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const stdin = `${good}\n${good}\n${c.text}\n${good}\n${good}\n`;
        const r = await runCli(["verify", "--batch", "-", "--ignore-time"], { env, now: NOW, stdin });
        const lines = r.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(lines).toHaveLength(5);
        expect(r.stderr).not.toMatch(/internal error|Invalid time value/);
        expect([0, 1, 3, 4].map((i) => lines[i].valid)).toEqual([true, true, true, true]);
        expect(r.code).toBe(lines[2].valid ? 0 : 8);
        if (!c.inRange) expect(lines[2].code).toBe("malformed");
        if (c.inRange && c.kind === "ticket") expect(lines[2].valid).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it("verify --batch: 5,000 good lines, a bad one, 5,000 more: all 10,001 written, exit 8", async () => {
    const good = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: "a" },
      now: NOW,
    }).userTicket;
    for (const bad of [ticketWith("2026-11-28T11:00:00Z", 8.64e12), tokenWith({ iat: 9e12, exp: 9e12 + 600 })]) {
      const half = `${good}\n`.repeat(5000);
      const r = await runCli(["verify", "--batch", "-"], { env, now: NOW, stdin: `${half}${bad}\n${half}` });
      const lines = r.stdout.trim().split("\n");
      expect(lines).toHaveLength(10_001);
      const judged = lines.map((l) => JSON.parse(l));
      expect(judged.filter((l) => l.valid)).toHaveLength(10_000);
      expect(judged[5000]).toMatchObject({ line: 5001, valid: false, code: "malformed" });
      expect(r.code).toBe(8);
    }
  }, 120_000);

  it("request verify, Authorization: User <ticket>: exit 6 naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(ticketCases, async (c) => {
        const stdin = `POST /v1/instance HTTP/1.1\nAuthorization: User ${c.text}\n\n`;
        const r = await runCli(["request", "verify", "--ignore-time", "-"], { env, now: NOW, stdin });
        expectJudged(c, r.code, r.stdout + r.stderr);
        if (c.inRange) expect(r.code).toBe(0);
      }),
      runs,
    );
  });

  it("request verify: x-timestamp and the webhook timestamp out of range are malformed", async () => {
    await fc.assert(
      fc.asyncProperty(requestCases, async (c) => {
        const r = await runCli(["request", "verify", "-"], { env, now: NOW, stdin: c.text });
        expectJudged(c, r.code, r.stdout + r.stderr);
        if (c.inRange) expect(r.code).toBe(3);
      }),
      runs,
    );
  });

  it("the inspect API answers 200 with the field named, never 500", async () => {
    const app = await createInspectServer({
      token: "t".repeat(32),
      assets: { html: "<html></html>", script: "", style: "" },
      profiles: async () => [],
      inspect: async (text, _profile, verify) =>
        analyze(text, verify ? { keyring: fixedKeyring(KEY, SECRET), webhookSecret: null } : null, NOW),
    });
    try {
      await fc.assert(
        fc.asyncProperty(cases, fc.boolean(), async (c, verify) => {
          const answer = await app.inject({
            method: "POST",
            url: "/api/inspect",
            headers: { host: "127.0.0.1:0", authorization: `Bearer ${"t".repeat(32)}` },
            payload: { text: c.text, verify },
          });
          expect(answer.statusCode).toBe(200);
          const body = answer.json();
          expectJudged(c, c.inRange ? 0 : 6, c.inRange ? answer.body : body.decode.error);
          if (!c.inRange && c.kind === "ticket") expect(body.decode.payload.identity.endpoint).toBe("alice");
          if (!c.inRange && verify) expect(body.verify.code).toBe("malformed");
        }),
        runs,
      );
      const request = `POST /v1/instance HTTP/1.1\nAuthorization: User ${ticketWith("2026-11-28T11:00:00Z", 8.64e12)}\n\n`;
      const answer = await app.inject({
        method: "POST",
        url: "/api/inspect",
        headers: { host: "127.0.0.1:0", authorization: `Bearer ${"t".repeat(32)}` },
        payload: { text: request },
      });
      expect(answer.statusCode).toBe(200);
      // A pasted request is answered as request verify answers it: the ticket's verdict.
      expect(answer.json()).toMatchObject({ kind: "request", request: { code: "malformed" } });
      expect(JSON.stringify(answer.json().request.checks)).toContain("'expiresIn'");
    } finally {
      await app.close();
    }
  });

  it("callback listen's check: a line naming the field, and the next request checked", () => {
    fc.assert(
      fc.property(ticketCases, (c) => {
        const request = (ticket: string) => ({
          kind: "http" as const,
          method: "POST",
          path: "/v1/instance",
          query: null,
          headers: [["Authorization", `User ${ticket}`]] as [string, string][],
          body: new Uint8Array(),
          notes: [],
        });
        const good = ticketWith("2026-11-28T11:00:00Z", 3600);
        const checked = checkAll(
          [c.text, good].map((t) => ({ request: request(t), status: 200, at: NOW.getTime() })),
          {
            credentials: { keyring: fixedKeyring(KEY, SECRET), webhookSecret: null },
            verify: { ignoreTime: true },
            json: true,
          },
        );
        const [first, second] = checked.json
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(second.code).toBe("valid");
        expect(first.code).toBe(c.inRange ? "valid" : "malformed");
        if (!c.inRange) expect(JSON.stringify(first.checks)).toContain(`'${c.field}'`);
        expect(checked.lines.split("\n")).toHaveLength(3);
      }),
      runs,
    );
  });

  it("callback listen's check: x-timestamp and webhook timestamps out of range, and the next request checked", async () => {
    const { parseRequest } = await import("../../src/core/request/parse.js");
    await fc.assert(
      fc.asyncProperty(requestCases, async (c) => {
        const requests = [c.text, requestText(ticketWith("2026-11-28T11:00:00Z", 3600))].map((t) => parseRequest(t));
        const checked = checkAll(
          requests.map((request) => ({ request, status: 200, at: NOW.getTime() })),
          {
            credentials: { keyring: fixedKeyring(KEY, SECRET), webhookSecret: "whsecret" },
            verify: { ignoreTime: true },
            json: true,
          },
        );
        const [first, second] = checked.json
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(second.code).toBe("valid");
        expect(first.code).toBe(c.inRange ? "bad_signature" : "malformed");
        if (!c.inRange) expect(JSON.stringify(first.checks)).toContain(`'${c.field}'`);
      }),
      runs,
    );
  });
});

function requestText(ticket: string): string {
  return `POST /v1/instance HTTP/1.1\nAuthorization: User ${ticket}\n\n`;
}
