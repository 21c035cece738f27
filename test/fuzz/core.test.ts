/**
 * Hostile input to the core: random and mutated tickets, tokens, config files and batch
 * lines. Every outcome must be a result or a typed error, in time that grows with the
 * input's length and no faster.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/cli/credentials/config-file.js";
import { ExitError } from "../../src/cli/terminal/exit.js";
import { parseCsvLine } from "../../src/core/csv.js";
import {
  createRegistrationToken,
  createTicket,
  decodeRegistrationToken,
  decodeTicket,
  MalformedTicketError,
  normalizeTicketInput,
  TicketError,
  verifyRegistrationToken,
  verifyTicket,
} from "../../src/index.js";
import { SECRET } from "../helpers/constants.js";
import { growthPerDoubling } from "../helpers/growth.js";

const ticket = createTicket({
  applicationKey: "k",
  applicationSecret: SECRET,
  identity: { endpoint: "alice" },
  expiresIn: 60,
}).userTicket;
const token = createRegistrationToken({ applicationKey: "k", applicationSecret: SECRET, userId: "alice" }).token;

/** A valid input with some characters replaced, inserted or removed. */
function mutated(base: string) {
  const edit = fc.tuple(
    fc.nat(),
    fc.constantFrom("replace", "insert", "delete"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 3 }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let s = base;
    for (const [at, kind, text] of edits) {
      const i = at % (s.length + 1);
      s =
        kind === "insert"
          ? s.slice(0, i) + text + s.slice(i)
          : kind === "delete"
            ? s.slice(0, i) + s.slice(i + 1)
            : s.slice(0, i) + text + s.slice(i + text.length);
    }
    return s;
  });
}

const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  mutated(ticket),
  mutated(token),
  fc.json().map((j) => Buffer.from(j).toString("base64") + ":" + Buffer.alloc(32).toString("base64")),
  fc
    .json()
    .map(
      (j) =>
        `${Buffer.from('{"alg":"HS256","kid":"hkdfv1-20260101"}').toString("base64url")}.${Buffer.from(j).toString("base64url")}.${Buffer.alloc(32).toString("base64url")}`,
    ),
  fc.constantFrom("", ":", "..", "user ", '{"userTicket":', "[[[[[[[[[[", "\u0000:\u0000", "%2B%2F%3D"),
);

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TicketError);
  }
}

describe("core under hostile input", () => {
  it("decode throws only MalformedTicketError; verify always returns a verdict", () => {
    fc.assert(
      fc.property(hostile, (input) => {
        onlyTypedErrors(() => decodeTicket(input));
        onlyTypedErrors(() => decodeRegistrationToken(input));
        for (const verify of [verifyTicket, verifyRegistrationToken]) {
          const result = verify(input, { applicationSecret: SECRET, applicationKey: "k" });
          expect(typeof result.valid).toBe("boolean");
          expect(result.checks).toHaveLength(5);
          if (input !== ticket && input !== token)
            expect(result.code === "valid").toBe(
              normalizeTicketInput(input).ticket ===
                normalizeTicketInput(result.format === "jwt" ? token : ticket).ticket,
            );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("malformed errors are one line", () => {
    fc.assert(
      fc.property(hostile, (input) => {
        try {
          decodeTicket(input);
        } catch (error) {
          if (error instanceof MalformedTicketError) expect(error.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  // The size each ratio starts from: large enough that one read takes a millisecond or
  // more, so that the timer and the processor's caches do not decide the ratio. Brackets
  // stay under 512 KiB of nesting, past which JSON.parse itself (V8) takes a step of its own.
  const huge: [string, (size: number) => string, number][] = [
    ["one base64 run and a signature", (size) => `${"A".repeat(size)}:${"A".repeat(44)}`, 1 << 18],
    ["brackets", (size) => "[".repeat(size), 1 << 16],
    ["a token whose last part is cut", (size) => `${"e".repeat(size / 2)}.${"e".repeat(size / 2)}.x`, 1 << 18],
    ["spaces", (size) => " ".repeat(size), 1 << 18],
  ];
  const readOrRefuse = (input: string) => {
    onlyTypedErrors(() => decodeTicket(input));
    expect(verifyTicket(input, { applicationSecret: SECRET }).valid).toBe(false);
    expect(verifyRegistrationToken(input, { applicationSecret: SECRET }).valid).toBe(false);
  };

  it.each(huge)("1 MB of %s is read or refused", (_name, make) => {
    readOrRefuse(make(1_000_000));
  });

  it.each(huge)("reading %s takes time in proportion to its length", (_name, make, size) => {
    expect(growthPerDoubling(make, readOrRefuse, size)).toBeLessThan(3.5);
  });

  it("config text: parsed, or one error naming the file, never quoting a value", () => {
    const secretish = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==";
    const valid = JSON.stringify({ profiles: { default: { applicationKey: "k", applicationSecret: secretish } } });
    fc.assert(
      fc.property(fc.oneof(mutated(valid), fc.json(), fc.string({ maxLength: 100 })), (text) => {
        try {
          parseConfig("/etc/cfg.json", text);
        } catch (error) {
          expect(error).toBeInstanceOf(ExitError);
          const message = (error as Error).message;
          expect(message.startsWith("config file /etc/cfg.json: ")).toBe(true);
          expect(message).not.toMatch(/\n/);
          expect(message).not.toContain("c2VjcmV0");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("CSV lines: fields or a reason, for anything", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", ",", '"', " ", "\r", "x"), maxLength: 30 }), (line) => {
        const r = parseCsvLine(line);
        if (!Array.isArray(r)) expect(typeof r.error).toBe("string");
      }),
      { numRuns: 2000 },
    );
  });
});
