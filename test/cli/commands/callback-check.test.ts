/**
 * `callback listen`'s checks: a batch crosses to the worker thread as one string and comes
 * out the same requests, byte for byte, so the worker's lines are the main thread's; a
 * check that throws is that request's line; values from outside are escaped; a replay is
 * noticed within a bounded memory; refused requests and backend refusals get their lines.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Answered,
  Checker,
  type CheckSetup,
  checkAll,
  decodeBatch,
  encodeBatch,
  stamp,
} from "../../../src/cli/commands/callback/check.js";
import { checkRequest } from "../../../src/core/request/check.js";
import type { ParsedRequest } from "../../../src/core/request/parse.js";
import { sampleBody, signCallback } from "../../../src/index.js";
import { KEY, SECRET } from "../../helpers/constants.js";
import { fixedKeyring } from "../../helpers/credentials.js";
import { farRegistrationToken, farUserTicket } from "../../helpers/extreme.js";

const answered = fc.record({
  request: fc.record({
    kind: fc.constantFrom("http" as const, "curl" as const),
    method: fc.constantFrom("POST", "PUT", "GET"),
    path: fc.string({ minLength: 1 }).map((p) => `/${p}`),
    query: fc.option(fc.string(), { nil: null }),
    headers: fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string())),
    body: fc.uint8Array({ maxLength: 300 }),
    notes: fc.array(fc.string(), { maxLength: 2 }),
  }),
  status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: null }),
  note: fc.option(fc.constantFrom("backend unreachable (ECONNREFUSED)", "reset"), { nil: undefined }),
  refused: fc.option(fc.constantFrom("request body larger than 1 MB"), { nil: undefined }),
  at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

const now = new Date("2026-12-01T12:00:00Z");
const keyring = fixedKeyring(KEY, SECRET);
const setup: CheckSetup = {
  credentials: { keyring, webhookSecret: null },
  verify: {},
  json: true,
};

function signed(event: "ace" | "pie" = "ace", body?: Uint8Array) {
  return signCallback({
    event,
    target: "/ace",
    body: body ?? sampleBody(event, { applicationKey: KEY, now, id: "c1" }),
    credentials: { applicationKey: KEY, applicationSecret: SECRET },
    now,
    nonce: "",
  });
}

function request(headers: [string, string][], body: Uint8Array, path = "/ace"): ParsedRequest {
  return { kind: "http", method: "POST", path, query: null, headers, body, notes: [] };
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("the batch sent to the checking thread", () => {
  it("decodes to the same requests, every byte of the body included", () => {
    fc.assert(
      fc.property(fc.array(answered, { maxLength: 8 }), (batch) => {
        const clean = batch.map(({ note, refused, ...rest }) => ({
          ...rest,
          ...(note === undefined ? {} : { note }),
          ...(refused === undefined ? {} : { refused }),
        }));
        const back = decodeBatch(encodeBatch(clean));
        expect(back.map((a) => ({ ...a, request: { ...a.request, body: [...a.request.body] } }))).toEqual(
          clean.map((a) => ({ ...a, request: { ...a.request, body: [...a.request.body] } })),
        );
      }),
    );
  });

  it("gives the same lines checked after the crossing as before it", () => {
    const one = signed();
    const body = Buffer.from(one.body);
    const batch: Answered[] = [
      { request: request(one.headers, body), status: 200, at: now.getTime() },
      {
        request: request(one.headers, Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2))),
        status: 200,
        at: now.getTime(),
      },
      {
        request: request(one.headers, Uint8Array.from([0, 255, 128])),
        status: 502,
        note: "backend unreachable (ECONNREFUSED)",
        at: now.getTime(),
      },
    ];
    const direct = checkAll(batch, setup);
    expect(checkAll(decodeBatch(encodeBatch(batch)), setup)).toEqual(direct);
    const lines = direct.lines.split("\n");
    expect(lines[0]).toContain("ace application valid → 200");
    expect(lines[1]).toContain("body-reserialized");
    expect(lines[2]).toContain("→ 502 (backend unreachable (ECONNREFUSED))");
    expect(jsonLines(direct.json)[2]).toMatchObject({ status: 502, note: "backend unreachable (ECONNREFUSED)" });
  });
});

describe("a check that throws", () => {
  it("becomes that request's line with code error, and the next requests are checked", () => {
    const one = signed();
    let calls = 0;
    const checker = new Checker(setup, (r, c, o) => {
      calls++;
      if (calls === 1) throw new RangeError("Invalid time value");
      return checkRequest(r, c, o);
    });
    const batch: Answered[] = [
      { request: request(one.headers, one.body), status: 200, at: now.getTime() },
      { request: request(signed("pie").headers, signed("pie").body), status: 200, at: now.getTime() },
    ];
    const checked = checker.check(batch);
    const lines = checked.lines.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "2026-12-01T12:00:00.000Z POST /ace - application ✗ checking failed: RangeError: Invalid time value → 200",
    );
    expect(lines[1]).toContain("pie application valid → 200");
    const [failed, next] = jsonLines(checked.json);
    expect(failed).toMatchObject({
      valid: false,
      code: "error",
      scheme: "application",
      status: 200,
      reason: "checking failed: RangeError: Invalid time value",
    });
    expect(failed.error).toBeUndefined();
    expect(next).toMatchObject({ code: "valid" });
  });

  it("never stops the checks on times no date can hold (a ticket's expiresIn 8.64e12, a token's iat 9e12)", () => {
    const batch: Answered[] = [farUserTicket(KEY, SECRET), farRegistrationToken(KEY, SECRET)].map((credential) => ({
      request: request([["Authorization", `User ${credential}`]], Buffer.from('{"event":"ice"}')),
      status: 200,
      at: now.getTime(),
    }));
    batch.push({ request: request(signed().headers, signed().body), status: 200, at: now.getTime() });
    const checked = checkAll(batch, setup);
    expect(checked.lines.trim().split("\n")).toHaveLength(3);
    const objects = jsonLines(checked.json);
    expect(objects.map((o) => o.scheme)).toEqual(["user", "user", "application"]);
    expect(objects[2]).toMatchObject({ code: "valid" });
  });
});

describe("values from outside on the line", () => {
  it("escapes an event field holding a newline, so no forged line appears; the JSON keeps the value", () => {
    const body = Buffer.from(
      JSON.stringify({ event: "ace\n2026-12-01T12:00:00.000Z POST /ace ace application valid" }),
    );
    const one = signed("ace", body);
    const checked = checkAll([{ request: request(one.headers, one.body), status: 200, at: now.getTime() }], setup);
    expect(checked.lines.split("\n")).toHaveLength(2);
    expect(checked.lines).toContain("ace\\n2026-12-01T12:00:00.000Z POST /ace ace application valid application valid");
    expect(jsonLines(checked.json)[0].event).toBe("ace\n2026-12-01T12:00:00.000Z POST /ace ace application valid");
  });

  it("escapes the path, the method and a refusal's reason", () => {
    const checked = checkAll(
      [
        { request: request([], Buffer.alloc(0), "/a\u202eb\u001b[2J"), status: 200, at: now.getTime() },
        { request: request([], Buffer.alloc(0), "/x"), status: 400, refused: "bad\nline", at: now.getTime() },
      ],
      setup,
    );
    expect(checked.lines).toContain("POST /a\\u202eb\\u001b[2J - unsigned");
    expect(checked.lines).toContain("refused: bad\\nline → 400");
    expect(checked.lines.split("\n")).toHaveLength(3);
  });
});

describe("refused requests", () => {
  it("get a line and an object with code refused, the status and why", () => {
    const checked = checkAll(
      [
        {
          request: request([], Buffer.alloc(0), "/big"),
          status: 413,
          refused: "request body larger than 1 MB",
          at: now.getTime(),
        },
      ],
      setup,
    );
    expect(checked.lines).toBe("2026-12-01T12:00:00.000Z POST /big - - refused: request body larger than 1 MB → 413\n");
    expect(jsonLines(checked.json)[0]).toEqual({
      event: "-",
      valid: false,
      code: "refused",
      scheme: null,
      checks: [],
      stringToSign: null,
      notes: [],
      warnings: [],
      diagnosis: [],
      reason: "request body larger than 1 MB",
      status: 413,
    });
  });
});

describe("seen before", () => {
  it("marks an exact replay within the window as valid with a warning, and nothing else", () => {
    const one = signed();
    const other = signed("pie");
    const checker = new Checker(setup);
    const at = now.getTime();
    const checked = checker.check([
      { request: request(one.headers, one.body), status: 200, at },
      { request: request(other.headers, other.body), status: 200, at },
      { request: request(one.headers, one.body), status: 200, at: at + 1000 },
      // The same signature over another body is no replay (and no valid request).
      { request: request(one.headers, Buffer.from("{}")), status: 200, at: at + 2000 },
    ]);
    const objects = jsonLines(checked.json);
    expect(objects.map((o) => [o.code, o.warnings.some((w: string) => w.startsWith("seen before"))])).toEqual([
      ["valid", false],
      ["valid", false],
      ["valid", true],
      ["bad_signature", false],
    ]);
    expect(objects[2].warnings).toContain(
      "seen before: the same signature and body came at 2026-12-01T12:00:00.000Z (a replay or a retry)",
    );
    expect(checked.lines.split("\n")[2]).toContain("ace application valid, seen before → 200");
  });

  it("HTTP Basic: each request valid, none marked seen before (Basic signs nothing), the value never in a line", () => {
    const value = Buffer.from(`${KEY}:${SECRET}`).toString("base64");
    const headers: [string, string][] = [["Authorization", `Basic ${value}`]];
    const at = now.getTime();
    const checked = new Checker(setup).check([
      { request: request(headers, Buffer.from('{"event":"ace"}')), status: 200, at },
      { request: request(headers, Buffer.from('{"event":"ace"}')), status: 200, at: at + 1000 },
    ]);
    const objects = jsonLines(checked.json);
    expect(objects.map((o) => [o.scheme, o.code, o.stringToSign])).toEqual([
      ["basic", "valid", null],
      ["basic", "valid", null],
    ]);
    expect(objects.every((o) => !o.warnings.some((w: string) => w.startsWith("seen before")))).toBe(true);
    expect(checked.lines).toContain("ace basic valid");
    expect(checked.lines + checked.json).not.toContain(value);
    expect(checked.lines + checked.json).not.toContain(SECRET);
  });

  it("remembers at most its cap of signatures, and forgets those older than the window", () => {
    const checker = new Checker({ ...setup, seenCap: 3, verify: { ...setup.verify, maxSkew: 60 } });
    const at = now.getTime();
    const batch: Answered[] = Array.from({ length: 10 }, (_, i) => {
      const one = signed("ace", Buffer.from(`{"event":"ace","n":${i}}`));
      return { request: request(one.headers, one.body), status: 200, at };
    });
    checker.check(batch);
    expect(checker.remembered).toBe(3);
    // The oldest were forgotten: the first again is not seen before; the last is.
    const again = jsonLines(checker.check([batch[0] as Answered, batch[9] as Answered]).json);
    expect(again.map((o) => o.warnings.some((w: string) => w.startsWith("seen before")))).toEqual([false, true]);
    // Past the window, nothing is remembered.
    // Past the window (the time check skipped, so that the request stays valid), it is forgotten.
    const timeless = new Checker({ ...setup, verify: { ...setup.verify, maxSkew: 600, ignoreTime: true } });
    const later = jsonLines(
      timeless.check([batch[9] as Answered, { ...(batch[9] as Answered), at: at + 601_000 }]).json,
    );
    expect(later.map((o) => [o.code, o.warnings.some((w: string) => w.startsWith("seen before"))])).toEqual([
      ["valid", false],
      ["valid", false],
    ]);
    expect(timeless.remembered).toBe(1);
  });
});

describe("a backend under a path prefix", () => {
  it("names path-prefix when the backend refuses a request that is valid for the path Sinch called", () => {
    const one = signed();
    const checked = checkAll(
      [
        { request: request(one.headers, one.body), status: 401, at: now.getTime() },
        { request: request(one.headers, one.body), status: 500, at: now.getTime() },
      ],
      { ...setup, pathPrefix: "/backend" },
    );
    const lines = checked.lines.split("\n");
    expect(lines[0]).toContain("ace application valid [path-prefix] → 401");
    expect(lines[1]).not.toContain("path-prefix");
    expect(jsonLines(checked.json)[0].warnings).toContain(
      "path-prefix: the backend answered 401; it was called at /backend/ace, the signature covers /ace",
    );
  });
});

describe("the log line's time", () => {
  it("is Date.toISOString's, for every millisecond of a second, across seconds, and past year 9999", () => {
    const times = [0, 1, 999, 1000, -1, -999, -1000, -1001, 1.5e12 + 0.5, 253402300799999, 253402300800000, 8.64e15];
    for (let at = 1_765_000_000_000; at < 1_765_000_002_500; at += 7) times.push(at);
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (at) => {
        expect(stamp(at)).toBe(new Date(at).toISOString());
      }),
    );
    for (const at of times) expect(stamp(at), String(at)).toBe(new Date(at).toISOString());
    expect(stamp(Number.NaN)).toBe("NaN");
    expect(stamp(8.64e15 + 1)).toBe(String(8.64e15 + 1));
  });
});
