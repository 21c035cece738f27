/** Batch mode through the built binary: worker threads, pipes, a terminal. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild, runBin, runInTerminal, tempHome } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { stripAnsi } from "../helpers/io.js";

beforeAll(requireBuild);

const env = () => cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET });
const CREATED = "2026-01-02T03:04:05Z";

describe("batch runs long enough to use a worker thread", () => {
  it("gives byte-identical output with and without the worker, in input order", () => {
    const dir = tempHome();
    const input = join(dir, "users.ndjson");
    const types = ["username", "email", "number"];
    let text = "";
    for (let i = 1; i <= 40_000; i++) {
      const type = types[i % 3] as string;
      const endpoint =
        type === "email"
          ? `user${i}@example.com`
          : type === "number"
            ? `+4670${String(i).padStart(7, "0")}`
            : `user ${i} Zoë`;
      text += `${JSON.stringify({ type, endpoint })}\n`;
    }
    writeFileSync(input, text);
    const two = runBin(["sign", "--batch", input, "--created", CREATED], { env: env() });
    const one = runBin(["sign", "--batch", input, "--created", CREATED], {
      env: { ...env(), SINCH_TICKET_WORKERS: "0" },
    });
    expect(two.code).toBe(0);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const out = two.stdout.trimEnd().split("\n");
    expect(out).toHaveLength(40_000);
    expect(out.slice(0, 3).map((l) => JSON.parse(l).endpoint)).toEqual([
      "user1@example.com",
      "+46700000002",
      "user 3 Zoë",
    ]);
    expect(JSON.parse(out[39_999] as string).endpoint).toBe("user40000@example.com");

    const verified = runBin(["verify", "--batch", "-"], { env: env(), input: two.stdout });
    expect(verified.code).toBe(0);
    const results = verified.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(results.map((r) => r.line)).toEqual(Array.from({ length: 40_000 }, (_, i) => i + 1));
    expect(results.every((r) => r.valid)).toBe(true);
    expect(verified.stderr).toContain("verified 40000 tickets: 40000 valid, 0 invalid");
  });

  it("ends quietly when the reader goes away (| head)", () => {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `set -o pipefail; "${process.execPath}" "${CLI}" sign --count 5000000 --endpoint-template 'u{n}' | head -n 2; echo "exit \${PIPESTATUS[0]}" >&2`,
      ],
      // Stops the writer only if it hangs instead of ending at the first failed write.
      { env: env(), encoding: "utf8", timeout: 50_000 },
    );
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(r.stderr).toContain("exit 0");
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it("shows progress on a terminal once a run lasts a while, and clears it", async () => {
    // A run that lasts past the second the progress line waits for, on a machine of any
    // speed: the input is a named pipe, whose writer is let in only once the run has opened
    // it, and which pauses before the last line.
    const fifo = join(tempHome(), "users");
    const r = await runInTerminal(
      `mkfifo '${fifo}'; ${process.execPath} ${CLI} sign --batch '${fifo}' > /dev/null & ` +
        `{ printf 'u1\\nu2\\n'; sleep 2; printf 'u3\\n'; } > '${fifo}'; wait $!`,
      [],
      { ...env(), TERM: "xterm" },
    );
    expect(r.code).toBe(0);
    const screen = stripAnsi(r.screen);
    expect(screen).toMatch(/signed [\d,]+ \([\d,]+\/s\)/);
    expect(screen).toMatch(/signed 3 tickets in/);
    // The progress line is erased before the summary is written.
    const erase = "\u001b[2K\u001b[1G";
    const last = r.screen.lastIndexOf(erase);
    expect(last).toBeGreaterThan(-1);
    expect(stripAnsi(r.screen.slice(last + erase.length))).toMatch(/^note: signed 3 tickets in/);
  }, 60_000);
});

describe("input that is not UTF-8", () => {
  const latin1Csv = Buffer.from("name,endpoint\r\nok,alice\r\nx,J\xf6rg\r\n", "latin1");

  it("sign --batch stops at the first line that is not UTF-8, naming it and --input-encoding", () => {
    const dir = tempHome();
    const input = join(dir, "u.csv");
    writeFileSync(input, latin1Csv);
    const r = runBin(["sign", "--batch", input, "--created", CREATED], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3 is not UTF-8: byte 0xF6 at offset 3 .*--input-encoding latin1\|cp1252/);
    expect(r.stdout).not.toContain("\ufffd");
    // Lines before it may already be signed; the stream ends with the error's object.
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(JSON.parse(lines.pop() as string)).toMatchObject({ exitCode: 2, error: expect.stringMatching(/line 3/) });
    for (const line of lines) expect(JSON.parse(line).endpoint).toBe("alice");
  });

  it.each([
    ["latin1", "J\u00f6rg", "\xf6"],
    ["cp1252", "\u20ac uro", "\x80 uro"],
  ])("--input-encoding %s converts to UTF-8, with a note", (encoding, endpoint, raw) => {
    const dir = tempHome();
    const input = join(dir, "u.txt");
    writeFileSync(input, Buffer.from(`alice\n${raw.startsWith("\x80") ? raw : `J${raw}rg`}\n`, "latin1"));
    const r = runBin(["sign", "--batch", input, "--created", CREATED, "--input-encoding", encoding], { env: env() });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).endpoint),
    ).toEqual(["alice", endpoint]);
    expect(r.stderr).toMatch(/note: read the input as .*converted to UTF-8/);
  });

  it("sign refuses an argument whose bytes are not UTF-8, naming the byte offset", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${CLI}" sign "$(printf 'J\\366rg')"`], {
      env: env(),
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/the endpoint argument is not UTF-8: byte offset 1 /);
    expect(r.stdout).toBe("");
  });

  it("sign --payload refuses a file that is not UTF-8, naming the byte offset", () => {
    const dir = tempHome();
    const payload = join(dir, "p.json");
    writeFileSync(
      payload,
      Buffer.from(
        '{"identity":{"type":"username","endpoint":"J\xf6rg"},"applicationKey":"k","created":"2026-01-02T03:04:05Z"}',
        "latin1",
      ),
    );
    const r = runBin(["sign", "--payload", payload], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/payload file .*p\.json is not UTF-8: byte 0xF6 at offset 44/);
  });

  it("sign --payload - refuses standard input that is not UTF-8, naming the byte offset", () => {
    const payload = Buffer.from(
      '{"identity":{"type":"username","endpoint":"J\xf6rg"},"applicationKey":"k","created":"2026-01-02T03:04:05Z"}\n',
      "latin1",
    );
    const r = runBin(["sign", "--payload", "-"], { env: env(), input: payload });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: the payload on standard input is not UTF-8: byte 0xF6 at offset 44; save it as UTF-8\n$/,
    );
    expect(r.stdout).toBe("");
  });

  it.each([
    ["decode", "the data part"],
    ["verify", "the data part"],
    ["decode", "the signature"],
    ["verify", "the signature"],
  ])("%s - never passes a byte that is not UTF-8 in %s off as U+FFFD", (command, where) => {
    const ticket = runBin(["sign", "alice", "--created", CREATED], { env: env() }).stdout.trim();
    const at = where === "the data part" ? 10 : ticket.indexOf(":") + 6;
    const input = Buffer.concat([Buffer.from(ticket.slice(0, at)), Buffer.from([0xf6]), Buffer.from(ticket.slice(at))]);
    for (const flags of [[], ["--json"]]) {
      const r = runBin([command, "-", ...(command === "verify" ? ["--now", CREATED] : []), ...flags], {
        env: env(),
        input,
      });
      expect(r.code).toBe(6);
      expect(r.stdout).not.toMatch(/valid ticket|"valid": true/);
      // The byte is named for what it is. Only decode --json's `signature`, the signature
      // as given, holds it as the replacement character: JSON text cannot hold the byte.
      const shown = flags.length ? { ...JSON.parse(r.stdout), signature: undefined } : r.stdout;
      const words = `${typeof shown === "string" ? shown : JSON.stringify(shown)}\n${r.stderr}`;
      expect(words).toMatch(/U\+FFFD \(a byte that is not UTF-8/);
      expect(words).not.toContain("\ufffd");
    }
  });
});
