/**
 * createTicket, `sign --batch` (its per-chunk job, as the worker threads run it) and
 * `serve` all sign through TicketSigner. Whatever the key, endpoint, layout, time and
 * expiry, they agree byte for byte with each other and with the layout's JSON text
 * written the slow way (every string escaped by the producer's own rules).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeJob } from "../../../src/cli/batch/jobs.js";
import { authSigner } from "../../../src/cli/commands/serve/run.js";
import { CREATED_DIGITS } from "../../../src/core/ticket/layout.js";
import { TicketSigner } from "../../../src/core/ticket/signer.js";
import { formatUtc, fromMillis } from "../../../src/core/time.js";
import { createTicket, signTicketJson, ticketJson } from "../../../src/index.js";
import { SECRET } from "../../helpers/constants.js";

// Any well-formed Unicode text: control characters, quotes, U+2028 and astral characters.
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 });
const ordinary = fc.string({ unit: fc.constantFrom(..."abcXYZ019._-@+ "), minLength: 1, maxLength: 24 });
const usernameEndpoint = fc
  .oneof(text, ordinary, fc.constantFrom("a\u2028b", "\u0085", 'q"uote', "back\\slash"))
  .filter((e) => {
    try {
      return TicketSigner.check("username", e) === e;
    } catch {
      return false;
    }
  });

const cases = fc.record({
  applicationKey: fc.oneof(text, ordinary, fc.string({ unit: "binary", minLength: 1, maxLength: 24 })),
  endpoint: usernameEndpoint,
  style: fc.constantFrom("dotnet" as const, "js" as const),
  ms: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
  expiresIn: fc.option(fc.nat({ max: 10 * 365 * 86400 }), { nil: undefined }),
});

type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

function batchTicket(c: Case): string {
  const job = makeJob({
    job: "sign",
    applicationKey: c.applicationKey,
    applicationSecret: SECRET,
    style: c.style,
    created: fromMillis(c.ms),
    ...(c.expiresIn !== undefined ? { expiresIn: c.expiresIn } : {}),
    type: "username",
    kind: { kind: "ndjson" },
    outputFormat: "ndjson",
  });
  const result = job({ first: 1, count: 1, text: JSON.stringify({ endpoint: c.endpoint }) });
  expect(result.errors).toEqual([]);
  return JSON.parse(result.out.join("")).userTicket;
}

describe("one signer for every way of making a ticket", () => {
  it("createTicket, sign --batch, serve and the layout's JSON agree byte for byte", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const now = new Date(c.ms);
        const expiry = c.expiresIn !== undefined ? { expiresIn: c.expiresIn } : {};
        const created = createTicket({
          applicationKey: c.applicationKey,
          applicationSecret: SECRET,
          identity: { type: "username", endpoint: c.endpoint },
          style: c.style,
          now,
          ...expiry,
        });
        const signer = new TicketSigner({
          applicationKey: c.applicationKey,
          applicationSecret: SECRET,
          style: c.style,
          now,
          ...expiry,
        });
        const served = authSigner(
          { format: "ticket", type: "username", style: c.style, ...expiry },
          c.applicationKey,
          SECRET,
          600,
          () => now,
        );
        const json = ticketJson(c.style, {
          applicationKey: c.applicationKey,
          identity: { type: "username", endpoint: c.endpoint },
          created: formatUtc(fromMillis(c.ms), CREATED_DIGITS[c.style]),
          expiresIn: c.expiresIn ?? (c.style === "js" ? 86400 : null),
        });
        const reference = signTicketJson(json, SECRET);
        expect(created.json).toBe(json);
        expect(created.userTicket).toBe(reference);
        expect(signer.sign("username", c.endpoint).userTicket).toBe(reference);
        expect(batchTicket(c)).toBe(reference);
        expect(served(c.endpoint).userTicket).toBe(reference);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses the same bad options the same way", () => {
    const bad = [{ applicationKey: "" }, { expiresIn: -1 }, { expiresIn: 1.5 }, { style: "xml" as "js" }];
    for (const options of bad) {
      const all = { applicationKey: "K", applicationSecret: SECRET, ...options };
      const viaCreate = () => createTicket({ ...all, identity: { endpoint: "alice" } });
      const viaSigner = () => new TicketSigner(all);
      expect(viaCreate).toThrow();
      expect(viaSigner).toThrow();
      let message = "";
      try {
        viaSigner();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(viaCreate).toThrow(message);
    }
  });
});
