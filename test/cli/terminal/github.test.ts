import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { run } from "../../../src/cli/program.js";
import { GithubOutput, Masker, reachesLog } from "../../../src/cli/terminal/github.js";
import type { Io } from "../../../src/cli/terminal/io.js";
import { KEY, SECRET } from "../../helpers/constants.js";
import { readGithubOutputs } from "../../helpers/github.js";

/** One write, in the order the streams saw them. */
type Event = [stream: "out" | "err", text: string];

/** An io whose two streams record into one ordered list, as a log reader would see them. */
function orderedIo(env: Record<string, string>, extra: Partial<Io> = {}): Io & { events: Event[] } {
  const events: Event[] = [];
  const stdin = Readable.from([]) as Readable & { isTTY?: boolean };
  return {
    events,
    stdin,
    stdout: { write: (s: string | Uint8Array) => events.push(["out", String(s)]), isTTY: false },
    stderr: { write: (s: string | Uint8Array) => events.push(["err", String(s)]), isTTY: false },
    env,
    colorLevels: { stdout: 0, stderr: 0 },
    cwd: tmpdir(),
    home: "/nonexistent-home",
    now: () => new Date("2026-11-28T12:00:00.000Z"),
    maskSettleMs: 1,
    ...extra,
  };
}

const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const actions = { ...creds, GITHUB_ACTIONS: "true" };

/** Each mask line's value, and the index of the event that carried it. */
function masks(events: Event[]): { value: string; at: number }[] {
  return events.flatMap(([stream, text], at) =>
    stream === "err" ? [...text.matchAll(/^::add-mask::(.*)$/gm)].map((m) => ({ value: m[1] as string, at })) : [],
  );
}

/** The index of the first stdout write holding the value. */
function printedAt(events: Event[], value: string): number {
  return events.findIndex(([stream, text]) => stream === "out" && text.includes(value));
}

describe("masking in GitHub Actions", () => {
  it("masks a ticket on stderr before it is printed, and keeps stdout the bare ticket", async () => {
    const io = orderedIo(actions);
    expect(await run(["sign", "alice"], io)).toBe(0);
    const stdout = io.events
      .filter(([s]) => s === "out")
      .map(([, t]) => t)
      .join("");
    const ticket = stdout.trim();
    expect(stdout).toBe(`${ticket}\n`);
    const [mask] = masks(io.events);
    expect(mask?.value).toBe(ticket);
    expect(mask!.at).toBeLessThan(printedAt(io.events, ticket));
  });

  it("masks a registration token, also under --json", async () => {
    const io = orderedIo(actions);
    expect(await run(["sign", "--format", "jwt", "--json", "alice"], io)).toBe(0);
    const token = JSON.parse(
      io.events
        .filter(([s]) => s === "out")
        .map(([, t]) => t)
        .join(""),
    ).token;
    const found = masks(io.events);
    expect(found.map((m) => m.value)).toEqual([token]);
    expect(found[0]!.at).toBeLessThan(printedAt(io.events, token));
  });

  it("masks the Authorization signature of request sign (headers, --curl and --json)", async () => {
    for (const extra of [[], ["--curl"], ["--json"]]) {
      const io = orderedIo(actions);
      expect(
        await run(["request", "sign", "POST", "https://calling.api.sinch.com/calling/v1/callouts", ...extra], io),
      ).toBe(0);
      const out = io.events
        .filter(([s]) => s === "out")
        .map(([, t]) => t)
        .join("");
      const signature = /Application [^:]+:([A-Za-z0-9+/=]+)/.exec(out)?.[1] as string;
      expect(signature).toHaveLength(44);
      const found = masks(io.events);
      expect(found.map((m) => m.value)).toEqual([signature]);
      expect(found[0]!.at).toBeLessThan(printedAt(io.events, signature));
    }
  });

  it("masks each ticket of a batch before the line that holds it", async () => {
    const io = orderedIo(actions);
    expect(await run(["sign", "--count", "3", "--endpoint-template", "user{n}"], io)).toBe(0);
    const lines = io.events
      .filter(([s]) => s === "out")
      .map(([, t]) => t)
      .join("")
      .trim()
      .split("\n");
    const tickets = lines.map((l) => JSON.parse(l).userTicket as string);
    expect(tickets).toHaveLength(3);
    const found = masks(io.events);
    expect(found.map((m) => m.value)).toEqual(tickets);
    for (const [i, t] of tickets.entries()) expect(found[i]!.at).toBeLessThan(printedAt(io.events, t));
  });

  it("masks each registration token of a batch", async () => {
    const io = orderedIo(actions);
    expect(await run(["sign", "--format", "jwt", "--count", "2", "--endpoint-template", "u{n}"], io)).toBe(0);
    const tokens = io.events
      .filter(([s]) => s === "out")
      .map(([, t]) => t)
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).token as string);
    expect(masks(io.events).map((m) => m.value)).toEqual(tokens);
  });

  it("writes no mask outside GitHub Actions", async () => {
    for (const env of [creds, { ...creds, GITHUB_ACTIONS: "false" }, { ...creds, CI: "true" }]) {
      const io = orderedIo(env);
      expect(await run(["sign", "alice"], io)).toBe(0);
      expect(masks(io.events)).toEqual([]);
      expect(io.events.filter(([s]) => s === "err")).toEqual([]);
    }
  });

  it("escapes what the runner unescapes in a mask's value", async () => {
    const io = orderedIo({ GITHUB_ACTIONS: "true" });
    await new Masker(io).mask(["a%b\nc\rd"]);
    expect(io.events).toEqual([["err", "::add-mask::a%25b%0Ac%0Dd\n"]]);
  });
});

describe("reachesLog: where a value printed can reach the job log", () => {
  const dir = mkdtempSync(join(tmpdir(), "st-gha-"));
  it.each([
    ["a regular file", () => openSync(join(dir, "out.txt"), "w"), false],
    ["/dev/null", () => openSync("/dev/null", "w"), false],
  ])("%s does not", (_, open, expected) => {
    const fd = open();
    try {
      expect(reachesLog({ write: () => true, fd })).toBe(expected);
    } finally {
      closeSync(fd);
    }
  });

  it("a stream without a descriptor is taken to (a pipe is checked end to end)", () => {
    expect(reachesLog({ write: () => true })).toBe(true);
  });

  it("masks nothing and waits for nothing when stdout is a file, unless the value also goes to $GITHUB_OUTPUT", async () => {
    const fd = openSync(join(dir, "stdout.txt"), "w");
    try {
      const io = orderedIo({ GITHUB_ACTIONS: "true" }, {});
      io.stdout = { write: () => true, fd };
      const quiet = new Masker(io);
      expect(quiet.active).toBe(false);
      await quiet.mask(["secret-value"]);
      expect(io.events).toEqual([]);
      // A settle this long would stop the test at its hang limit: no wait is taken.
      io.maskSettleMs = 10 * 60_000;
      const forOutput = new Masker(io, { output: true });
      await forOutput.mask(["secret-value"]);
      expect(io.events).toEqual([["err", "::add-mask::secret-value\n"]]);
    } finally {
      closeSync(fd);
    }
  });
});

describe("--github-output", () => {
  const dir = mkdtempSync(join(tmpdir(), "st-gha-out-"));

  it("appends the ticket as a step output with a random delimiter", async () => {
    const file = join(dir, "sign.txt");
    writeFileSync(file, "earlier=1\n");
    const io = orderedIo({ ...actions, GITHUB_OUTPUT: file });
    expect(await run(["sign", "alice", "--github-output", "ticket"], io)).toBe(0);
    const ticket = io.events.find(([s]) => s === "out")?.[1].trim() as string;
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("earlier=1\nticket<<ghadelimiter_")).toBe(true);
    expect(readGithubOutputs(file)).toEqual({ earlier: "1", ticket });
  });

  it("writes a whole batch, header included, as one output", async () => {
    const file = join(dir, "batch.txt");
    const io = orderedIo({ ...creds, GITHUB_OUTPUT: file });
    const argv = ["sign", "--format", "jwt", "--count", "2", "--endpoint-template", "u{n}", "--output-format", "csv"];
    expect(await run([...argv, "--github-output", "result"], io)).toBe(0);
    const stdout = io.events
      .filter(([s]) => s === "out")
      .map(([, t]) => t)
      .join("");
    expect(stdout.split("\n")[0]).toBe("userId,token");
    expect(readGithubOutputs(file)).toEqual({ result: stdout.replace(/\n$/, "") });
  });

  it("writes request sign's two header lines", async () => {
    const file = join(dir, "request.txt");
    const io = orderedIo({ ...creds, GITHUB_OUTPUT: file });
    expect(await run(["request", "sign", "GET", "/v1/x", "--github-output", "headers"], io)).toBe(0);
    const stdout = io.events
      .filter(([s]) => s === "out")
      .map(([, t]) => t)
      .join("");
    expect(readGithubOutputs(file).headers).toBe(stdout.replace(/\n$/, ""));
    expect(readGithubOutputs(file).headers?.split("\n")).toHaveLength(2);
  });

  it.each([
    [["sign", "alice"]],
    [["sign", "--format", "jwt", "alice"]],
    [["sign", "--count", "1", "--endpoint-template", "u{n}"]],
    [["request", "sign", "GET", "/v1/x"]],
  ])("%j exits 2 when $GITHUB_OUTPUT is not set, printing nothing", async (argv) => {
    const io = orderedIo(creds);
    expect(await run([...argv, "--github-output", "result"], io)).toBe(2);
    expect(io.events).toEqual([["err", expect.stringMatching(/^error: --github-output needs \$GITHUB_OUTPUT.*\n$/)]]);
  });

  it("refuses a name the runner would not read back", async () => {
    const io = orderedIo({ ...creds, GITHUB_OUTPUT: join(dir, "bad.txt") });
    expect(await run(["sign", "alice", "--github-output", "a<<b"], io)).toBe(2);
    expect(io.events.map(([, t]) => t).join("")).toMatch(/is not an output name/);
  });

  it("picks a delimiter that no value line holds", () => {
    const file = join(dir, "delimiters.txt");
    const output = new GithubOutput("x", { env: { GITHUB_OUTPUT: file }, cwd: dir });
    output.writeValue("line one\nline two");
    const text = readFileSync(file, "utf8");
    const delimiter = /^x<<(.+)$/m.exec(text)?.[1] as string;
    expect(delimiter).toMatch(/^ghadelimiter_[0-9a-f-]{36}$/);
    expect(text).toBe(`x<<${delimiter}\nline one\nline two\n${delimiter}\n`);
    const other = new GithubOutput("y", { env: { GITHUB_OUTPUT: file }, cwd: dir });
    expect(() => other.write(`${delimiter}\n`)).not.toThrow();
    const again = new GithubOutput("z", { env: { GITHUB_OUTPUT: file }, cwd: dir });
    const own = (again as unknown as { delimiter: string }).delimiter;
    expect(own).not.toBe(delimiter);
    expect(() => again.write(`${own}\n`)).toThrow(/delimiter/);
  });
});
