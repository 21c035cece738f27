import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { decodeTicket, MalformedTicketError, verifyTicket } from "../../src/index.js";
import producers from "../fixtures/producers.json" with { type: "json" };
// @ts-expect-error: a plain ESM script without types
import { PRODUCERS } from "../producers/make-fixtures.mjs";

/**
 * Tickets from real producers of Sinch tickets (origins in test/fixtures/producers.json):
 * each one is made again by its producer and compared byte for byte, then decode must
 * show exactly what the producer wrote and verify must name each mistake it made.
 */
const expected: Record<string, { endpoint: string; code: string; mistakes: string[]; warnings: RegExp[] }> = {
  "ruby-rails-devise alice": { endpoint: "alice", code: "valid", mistakes: [], warnings: [] },
  // The tutorial removes all whitespace from the JSON: the ticket is for "JohnSmith".
  "ruby-rails-devise John Smith": { endpoint: "JohnSmith", code: "valid", mistakes: [], warnings: [] },
  "ruby-rails-devise user4": {
    endpoint: "user4",
    code: "malformed",
    mistakes: ["stripped-digest"],
    warnings: [/^the signature is damaged: signature is 31 bytes/],
  },
  "python-tornado-backend alice": { endpoint: "alice", code: "valid", mistakes: [], warnings: [/no time zone/] },
  // \u escapes in the JSON: the data is ASCII, the endpoint reads right everywhere.
  "python-tornado-backend Zoë Müller": {
    endpoint: "ZoëMüller",
    code: "valid",
    mistakes: [],
    warnings: [/no time zone/],
  },
  "sinch-ticketgen alice": { endpoint: "alice", code: "valid", mistakes: [], warnings: [] },
  // Data that is not UTF-8 is malformed, whatever the signature says.
  "sinch-ticketgen Zoë": {
    endpoint: "Zoë",
    code: "malformed",
    mistakes: ["latin1-data"],
    warnings: [/not valid UTF-8 and was read as Latin-1/],
  },
  "php-trim alice": { endpoint: "alice", code: "valid", mistakes: [], warnings: [] },
  "ruby-rails-devise user10989": {
    endpoint: "user10989",
    code: "malformed",
    mistakes: ["stripped-digest"],
    warnings: [/^the signature is damaged: signature is 30 bytes/],
  },
  "php-trim user10989": {
    endpoint: "user10989",
    code: "malformed",
    mistakes: ["stripped-digest"],
    warnings: [/^the signature is damaged: signature is 31 bytes/],
  },
  "ruby-rails-devise user227": {
    endpoint: "user227",
    code: "malformed",
    mistakes: ["stripped-digest"],
    warnings: [/^the signature is damaged: signature is 31 bytes/],
  },
  "php-trim user227": { endpoint: "user227", code: "valid", mistakes: [], warnings: [] },
  // Latin-1 on both sides: the signature matches, and the ticket is still malformed.
  "browser-btoa Zoë": {
    endpoint: "Zoë",
    code: "malformed",
    mistakes: [],
    warnings: [/not valid UTF-8 and was read as Latin-1/],
  },
};

const interpreter: Record<string, string> = {
  "ruby-rails-devise": "ruby",
  "python-tornado-backend": "python3",
  "php-trim": "php",
};
const available = (producer: string) => {
  const command = interpreter[producer];
  return command === undefined || spawnSync(command, ["--version"]).status === 0;
};

describe("tickets from real producers", () => {
  it("come from at least five producers, each with its origin", () => {
    const origins = new Set(producers.map((p) => p.origin));
    // The C# tutorial and Sinch's user API are in test/fixtures/vectors.json.
    expect(origins.size + 2).toBeGreaterThanOrEqual(5);
    for (const p of producers) expect(p.origin.length).toBeGreaterThan(20);
  });

  for (const fixture of producers) {
    const name = `${fixture.producer} ${fixture.endpoint}`;
    describe(name, () => {
      it.skipIf(!available(fixture.producer) && !process.env.CI)("is what the producer makes, byte for byte", () => {
        expect(PRODUCERS[fixture.producer].run([fixture.endpoint]).trim()).toBe(fixture.userTicket);
      });

      it("decodes to exactly what the producer wrote, and verifies with each mistake named", () => {
        const want = expected[name];
        if (!want) throw new Error(`no expectation for ${name}`);
        let decoded: ReturnType<typeof decodeTicket>;
        try {
          decoded = decodeTicket(fixture.userTicket, { now: new Date("2026-11-28T12:30:00Z") });
        } catch (error) {
          if (!(error instanceof MalformedTicketError) || !error.decoded) throw error;
          decoded = error.decoded as ReturnType<typeof decodeTicket>;
        }
        expect(decoded.identity.endpoint).toBe(want.endpoint);
        expect(decoded.warnings).toHaveLength(want.warnings.length);
        want.warnings.forEach((w, i) => {
          expect(decoded.warnings[i]).toMatch(w);
        });
        const result = verifyTicket(fixture.userTicket, {
          applicationSecret: fixture.applicationSecret,
          applicationKey: fixture.applicationKey,
          ignoreTime: true,
        });
        expect(result.code).toBe(want.code);
        expect(result.diagnosis.map((d) => d.mistake)).toEqual(want.mistakes);
      });
    });
  }
});
