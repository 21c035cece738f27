import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTicket } from "../../../src/index.js";
import { NOW } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

/**
 * Profile names are the config file's own keys, nothing else: names that every JavaScript
 * object seems to have (`constructor`, `__proto__`, `toString`) are absent unless the file
 * defines them, and work like any other name when it does.
 */
const SPECIAL = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
const main = { applicationKey: "main-key", applicationSecret: "bWFpbi1zZWNyZXQ=" };

function configWith(profiles: string): { path: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "st-names-"));
  const path = join(dir, "config.json");
  // Written as text: an object literal would turn "__proto__" into a prototype.
  writeFileSync(path, `{"defaultProfile": "main", "profiles": {${profiles}}}`, { mode: 0o600 });
  return { path, env: { SINCH_TICKET_CONFIG: path } };
}

const ticket = (key: string, secret: string) =>
  createTicket({ applicationKey: key, applicationSecret: secret, identity: { endpoint: "alice" }, now: NOW })
    .userTicket;

describe("profile names are own keys only", () => {
  it.each(SPECIAL)("'%s' is no profile unless the file defines it: verify, sign, config", async (name) => {
    const { env } = configWith(`"main": ${JSON.stringify(main)}`);
    const t = ticket(main.applicationKey, main.applicationSecret);
    const verify = await runCli(["verify", "--now", NOW.toISOString(), "--profile", name, t], { env });
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain(`no profile '${name}' in config file`);
    const sign = await runCli(["sign", "--no-input", "--profile", name, "alice"], { env });
    expect(sign.code).toBe(2);
    expect(sign.stderr).toContain(`no profile '${name}'`);
    for (const command of [
      ["config", "use", name],
      ["config", "remove", name],
      ["config", "show", "--profile", name],
    ]) {
      const r = await runCli(command, { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no profile '${name}'`);
    }
    const byEnv = await runCli(["verify", "--now", NOW.toISOString(), t], { env: { ...env, SINCH_PROFILE: name } });
    expect(byEnv.code).toBe(2);
  });

  it.each(SPECIAL)("'%s' defined in the file is a profile like any other", async (name) => {
    const special = { applicationKey: "special-key", applicationSecret: "c3BlY2lhbC1zZWNyZXQ=" };
    const { path, env } = configWith(
      `"main": ${JSON.stringify(main)}, ${JSON.stringify(name)}: ${JSON.stringify(special)}`,
    );
    const t = ticket(special.applicationKey, special.applicationSecret);
    const r = await runCli(["verify", "--now", NOW.toISOString(), "--profile", name, t], { env });
    expect(r.code).toBe(0);
    // Chosen by the ticket's key too.
    expect((await runCli(["verify", "--now", NOW.toISOString(), t], { env })).code).toBe(0);
    const list = await runCli(["config", "list", "--json"], { env });
    expect(JSON.parse(list.stdout).profiles.map((p: { name: string }) => p.name)).toEqual(["main", name]);
    expect((await runCli(["config", "use", name], { env })).code).toBe(0);
    expect(JSON.parse(readFileSync(path, "utf8")).defaultProfile).toBe(name);
    expect((await runCli(["config", "remove", name], { env })).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")).profiles)).toEqual(["main"]);
  });

  it("config init writes a profile named 'constructor' or 'toString' as an own key", async () => {
    const { path, env } = configWith(`"main": ${JSON.stringify(main)}`);
    for (const name of ["constructor", "toString"]) {
      const r = await runCli(
        ["config", "init", "--profile", name, "--key", `${name}-key`, "--secret-stdin", "--store", "file"],
        { env, stdin: "c3BlY2lhbC1zZWNyZXQ=\n" },
      );
      expect(r.code).toBe(0);
    }
    expect(Object.keys(JSON.parse(readFileSync(path, "utf8")).profiles)).toEqual(["main", "constructor", "toString"]);
    const t = ticket("constructor-key", "c3BlY2lhbC1zZWNyZXQ=");
    expect((await runCli(["verify", "--now", NOW.toISOString(), "--profile", "constructor", t], { env })).code).toBe(0);
    // A name config init would not make ('__proto__' starts with '_') is refused as such.
    const proto = await runCli(["config", "init", "--profile", "__proto__", "--key", "k", "--secret-stdin"], {
      env,
      stdin: "c3BlY2lhbC1zZWNyZXQ=\n",
    });
    expect(proto.code).toBe(2);
    expect(proto.stderr).toContain("'__proto__' is not a profile name");
  });
});
