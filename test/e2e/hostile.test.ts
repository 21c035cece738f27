/** Hostile input to the built binary: real processes, real pipes, bounded memory. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import { cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";

beforeAll(requireBuild);
const env = () => cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET });
const ticket = createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "a" } }).userTicket;

function assertClean(r: { code: number | null; stdout: string; stderr: string }) {
  expect([0, 2, 3, 4, 5, 6, 7, 8]).toContain(r.code);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stdout + r.stderr).not.toContain(SECRET);
}

describe("the binary under hostile input", () => {
  it("random and mutated tickets on stdin and as arguments", () => {
    const input = fc.oneof(
      fc.string({ unit: "binary", minLength: 1, maxLength: 120 }).filter((s) => !s.includes("\u0000")),
      fc
        .tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 2 }))
        .map(([i, s]) => ticket.slice(0, i % ticket.length) + s + ticket.slice((i % ticket.length) + 1)),
    );
    fc.assert(
      fc.property(input, fc.constantFrom("decode", "verify"), fc.boolean(), (text, command, viaStdin) => {
        const r = viaStdin
          ? runBin([command, "--json"], { env: env(), input: text })
          : runBin([command, "--", text], { env: env() });
        assertClean(r);
        if (r.code === 6 && command === "decode") {
          // --json: one JSON document naming the error. Otherwise one error line for what is
          // wrong (the causes a diagnosis names follow on lines of their own); or, when
          // the data reads, all that was read on stdout and the error among the warnings.
          if (viaStdin) expect(JSON.parse(r.stdout).error).toMatch(/^malformed (ticket|registration token): /);
          else if (r.stdout === "") {
            const lines = r.stderr.trim().split("\n");
            // Notes (what was removed around the input) may come before it.
            const said = lines.filter((l) => !l.startsWith("warning: cause (") && !l.startsWith("note: "));
            expect(said).toHaveLength(1);
            expect(said[0]).toMatch(/^error: malformed (ticket|registration token): /);
          } else expect(r.stderr).toMatch(/malformed (ticket|registration token): /);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("random flags and values", () => {
    const words = [
      "sign",
      "decode",
      "verify",
      "config",
      "show",
      "--type",
      "--style",
      "--created",
      "--json",
      "--now",
      "--ttl",
      "--format",
      "jwt",
      "--batch",
      "-",
      "--count",
      "2",
      "--bogus",
      "-2h",
      "",
      "é",
      "--no-input",
      "--profile",
      "x",
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...words),
            fc.string({ maxLength: 8 }).filter((s) => !s.includes("\u0000")),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (args) => {
          assertClean(runBin(args, { env: env(), input: "" }));
        },
      ),
      { numRuns: 40 },
    );
  });

  // How the time grows with the input is checked in-process (test/fuzz/core.test.ts,
  // test/core/scan.test.ts), where starting a process does not drown it out.
  it.each([
    [["decode"], 6],
    [["verify"], 6],
    [["verify", "--batch", "-"], 8],
    [["sign", "--batch", "-"], 8],
  ])("%j refuses a 1 MB line, with the exit code for it", (args, code) => {
    const huge = `${"A".repeat(1024 * 1024)}:${"B".repeat(44)}`;
    const r = runBin(args, { env: env(), input: `${huge}\n` });
    assertClean(r);
    expect(r.code).toBe(code);
    if (args.includes("--batch")) expect(r.stderr).toContain("line 1: longer than 1 MiB; skipped");
  });

  it("endless input without a newline stays bounded", () => {
    const r = runBin(["sign", "--batch", "-"], { env: env(), input: "x".repeat(8 * 1024 * 1024) });
    assertClean(r);
    expect(r.code).toBe(8);
    expect(r.stderr).toContain("line 1: longer than 1 MiB; skipped");
  });

  it("corrupt config files are reported by position and left alone", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const home = cleanEnv();
        const dir = `${home.XDG_CONFIG_HOME}/sinch-ticket`;
        mkdirSync(dir, { recursive: true });
        writeFileSync(`${dir}/config.json`, text, { mode: 0o600 });
        const r = runBin(["sign", "a"], { env: home });
        assertClean(r);
        expect(readFileSync(`${dir}/config.json`, "utf8")).toBe(text);
      }),
      { numRuns: 20 },
    );
  });
});
