/** The built binary, run as users run it: real processes, pipes, env and a temporary HOME. */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createTicket, decodeTicket, verifyTicket } from "../../src/index.js";
import { CLI, cleanEnv, requireBuild, runBin, runInTerminal, tempHome } from "../helpers/bin.js";
import { KEY, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { stripAnsi } from "../helpers/io.js";

beforeAll(requireBuild);

const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

describe("sinch-ticket binary", () => {
  it("signs with --demo: the ticket alone on stdout, the demo warning on stderr", () => {
    const r = runBin(["sign", "--demo", "--no-input", "alice"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
    expect(decodeTicket(r.stdout.trim()).identity.endpoint).toBe("alice");
    expect(r.stderr).toMatch(/demo credentials/);
  });

  it("signs with credentials from the environment, and verifies through a pipe", () => {
    const env = cleanEnv(creds);
    const signed = runBin(["sign", "bob"], { env });
    expect(signed).toMatchObject({ code: 0, stderr: "" });
    const verified = runBin(["verify", "--json"], { env, input: signed.stdout });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, code: "valid" });
  });

  it("reads the config file under a temporary HOME", () => {
    const home = tempHome();
    mkdirSync(join(home, ".config", "sinch-ticket"), { recursive: true });
    const config = join(home, ".config", "sinch-ticket", "config.json");
    writeFileSync(
      config,
      JSON.stringify({ profiles: { default: { applicationKey: "k-home", applicationSecret: SECRET } } }),
      { mode: 0o600 },
    );
    const r = runBin(["sign", "carol"], { env: { PATH: process.env.PATH ?? "", HOME: home } });
    expect(r.code).toBe(0);
    expect(decodeTicket(r.stdout.trim()).applicationKey).toBe("k-home");
  });

  it("reads .env from the working directory", () => {
    const dir = tempHome();
    writeFileSync(join(dir, ".env"), `SINCH_APPLICATION_KEY=k-dotenv\nSINCH_APPLICATION_SECRET=${SECRET}\n`);
    const r = runBin(["sign", "dave"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(decodeTicket(r.stdout.trim()).applicationKey).toBe("k-dotenv");
  });

  it("produces each exit code of the contract", () => {
    const env = cleanEnv(creds);
    const make = (o: Partial<Parameters<typeof createTicket>[0]>) =>
      createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "a" }, ...o }).userTicket;
    const cases: [string[], number][] = [
      [["verify", make({})], 0],
      [["sign", "--bogus"], 2],
      [["verify", make({ applicationSecret: OTHER_SECRET })], 3],
      [["verify", make({ created: "-2h", expiresIn: 60 })], 4],
      [["verify", make({ created: "+1h" })], 5],
      [["verify", "not-a-ticket"], 6],
      [["decode", "not-a-ticket"], 6],
      [["verify", make({ applicationKey: "someone-else" })], 7],
    ];
    for (const [args, code] of cases) {
      const r = runBin(args, { env });
      expect(r.code, args.join(" ")).toBe(code);
    }
  });

  it("never shows a stack trace for garbage", () => {
    const env = cleanEnv(creds);
    const garbage = [
      "",
      ":",
      "::::",
      "\u0001",
      "a".repeat(100_000),
      "eyJ9:eyJ9",
      '{"userTicket": 5}',
      "user ",
      "%%%:%%%",
      "ey.J.x",
    ];
    for (const g of garbage) {
      for (const cmd of ["decode", "verify"]) {
        const r = runBin([cmd, g], { env });
        expect([2, 6], `${cmd} ${JSON.stringify(g.slice(0, 20))}`).toContain(r.code);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      }
    }
  });

  it("prints nothing to stdout but the result", () => {
    const env = cleanEnv(creds);
    const r = runBin(
      [
        "decode",
        "--json",
        createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "a" } }).userTicket,
      ],
      { env },
    );
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/does not check the signature/);
  });
});

describe("dist/cli.cjs", () => {
  const built = join(dirname(CLI), "..", "dist", "cli.cjs");
  const node = (args: string[]) =>
    spawnSync(process.execPath, args, { env: cleanEnv(creds), input: "", encoding: "utf8" });

  it("runs nothing when loaded (the files loaded later share its code): bin/ calls its main()", () => {
    const loaded = node(["-e", `const cli = require(${JSON.stringify(built)}); console.log(typeof cli.main)`]);
    expect(loaded).toMatchObject({ status: 0, stdout: "function\n", stderr: "" });
  });

  it("runs the command line when Node is started with it", () => {
    const r = node([built, "sign", "--no-input", "alice"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
  });
});

describe("prompts in a terminal", () => {
  const env = () => ({ ...cleanEnv(creds), TERM: "xterm" });

  it("asks for the type and endpoint on the terminal and writes only the ticket to a redirected stdout", async () => {
    const out = join(tempHome(), "ticket.txt");
    const r = await runInTerminal(
      `${process.execPath} ${CLI} sign > ${out}`,
      [
        { waitFor: /Identity type/, type: "\u001b[B" },
        { waitFor: /e-mail address/, type: "\r" },
        { waitFor: /Endpoint \(email\)/, type: "nope\r" },
        { waitFor: /does not look like an e-mail address/, type: "\u0015bob@example.com\r" },
      ],
      env(),
    );
    expect(r.code).toBe(0);
    const ticket = readFileSync(out, "utf8");
    expect(ticket).toMatch(/^[^\s]+\n$/);
    expect(decodeTicket(ticket).identity).toEqual({ type: "email", endpoint: "bob@example.com" });
    expect(verifyTicket(ticket, { applicationSecret: SECRET }).valid).toBe(true);
    expect(stripAnsi(r.screen)).toMatch(/Endpoint \(email\) bob@example.com/);
  });

  it("exits 130 on Ctrl-C at a prompt, quietly", async () => {
    const r = await runInTerminal(
      `${process.execPath} ${CLI} sign`,
      [{ waitFor: /Identity type/, type: "\u0003" }],
      env(),
    );
    expect(r.code).toBe(130);
    expect(r.screen).not.toMatch(/\n\s+at /);
  });

  it("does not prompt in a terminal with --no-input or CI", async () => {
    const noInput = await runInTerminal(`${process.execPath} ${CLI} sign --no-input`, [], env());
    expect(noInput.code).toBe(2);
    expect(stripAnsi(noInput.screen)).toMatch(/missing endpoint/);
    const ci = await runInTerminal(`${process.execPath} ${CLI} sign`, [], { ...env(), CI: "1" });
    expect(ci.code).toBe(2);
  });
});

describe("--env-file, which Node takes for itself", () => {
  /** The directory of a `node` of this major version: this one, or one from the npm registry. */
  function nodeDir(major: number): string {
    if (process.versions.node.startsWith(`${major}.`)) return dirname(process.execPath);
    // Without the npm_* variables of an `npx -c` this suite may itself run under (CI runs
    // it on other Node versions that way): a nested npx would take its -c for its own.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    const r = spawnSync("npx", ["--yes", "--package", `node@${major}`, "sh", "-c", 'dirname "$(command -v node)"'], {
      encoding: "utf8",
      timeout: 120000,
      env,
    });
    if (r.status !== 0) throw new Error(`cannot get node@${major} from npm: ${r.stderr}`);
    return r.stdout.trim();
  }

  it.each([20, 22, 24])("is a usage error naming --dotenv when the binary runs on Node %i", (major) => {
    const dir = nodeDir(major);
    const env = cleanEnv({ ...creds, PATH: `${dir}:/usr/bin:/bin` });
    expect(spawnSync("node", ["--version"], { env, encoding: "utf8" }).stdout).toMatch(new RegExp(`^v${major}\\.`));
    for (const args of [
      ["sign", "--env-file", "/missing", "alice"],
      ["sign", "alice", "--env-file=/missing"],
    ]) {
      // The built file run as users run it: through its shebang, found on PATH.
      const r = spawnSync(CLI, args, { env, encoding: "utf8", cwd: tmpdir() });
      expect(r.stderr).not.toMatch(/^node:/);
      expect(r.stderr).toMatch(/--env-file is not accepted.*--dotenv <path>/);
      expect([r.status, r.stdout]).toEqual([2, ""]);
    }
  });
});
