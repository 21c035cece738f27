/**
 * `callback listen`'s checks: a batch crosses to the worker thread as one string and comes
 * out the same requests, byte for byte, so the worker's lines are the main thread's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Answered, checkAll, decodeBatch, encodeBatch } from "../../../src/cli/commands/callback/check.js";
import { sampleBody, signCallback } from "../../../src/index.js";
import { KEY, SECRET } from "../../helpers/constants.js";

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
  error: fc.option(fc.constantFrom("ECONNREFUSED", "ETIMEDOUT"), { nil: undefined }),
  at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

describe("the batch sent to the checking thread", () => {
  it("decodes to the same requests, every byte of the body included", () => {
    fc.assert(
      fc.property(fc.array(answered, { maxLength: 8 }), (batch) => {
        const clean = batch.map(({ error, ...rest }) => (error === undefined ? rest : { ...rest, error }));
        const back = decodeBatch(encodeBatch(clean));
        expect(back.map((a) => ({ ...a, request: { ...a.request, body: [...a.request.body] } }))).toEqual(
          clean.map((a) => ({ ...a, request: { ...a.request, body: [...a.request.body] } })),
        );
      }),
    );
  });

  it("gives the same lines checked after the crossing as before it", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const signed = signCallback({
      event: "ace",
      target: "/ace",
      body: sampleBody("ace", { applicationKey: KEY, now, id: "c1" }),
      credentials: { applicationKey: KEY, applicationSecret: SECRET },
      now,
      nonce: "",
    });
    const body = Buffer.from(signed.body);
    const request = (b: Uint8Array) => ({
      kind: "http" as const,
      method: "POST",
      path: "/ace",
      query: null,
      headers: signed.headers,
      body: b,
      notes: [],
    });
    const batch: Answered[] = [
      { request: request(body), status: 200, at: now.getTime() },
      {
        request: request(Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2))),
        status: 200,
        at: now.getTime(),
      },
      { request: request(Uint8Array.from([0, 255, 128])), status: null, error: "ECONNREFUSED", at: now.getTime() },
    ];
    const keyring = {
      fixed: [{ profile: null, key: KEY, secret: SECRET }],
      profiles: [],
      unreadable: [],
      defaultProfile: null,
      names: [],
    };
    const setup = { credentials: { keyring, webhookSecret: null }, verify: {}, json: true };
    const direct = checkAll(batch, setup);
    expect(checkAll(decodeBatch(encodeBatch(batch)), setup)).toEqual(direct);
    expect(direct.lines.split("\n")[0]).toContain("ace application valid → 200");
    expect(direct.lines.split("\n")[1]).toContain("body-reserialized");
    expect(direct.lines.split("\n")[2]).toContain("backend unreachable (ECONNREFUSED)");
  });
});
