/** The config file as read and written: errors that quote nothing, symbolic links, folder permissions. */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const dir = () => mkdtempSync(join(tmpdir(), "st-cfgfile-"));

describe("a config file that is not JSON", () => {
  it("is named with its line and column only, never a character of it", async () => {
    const d = dir();
    const path = join(d, "config.json");
    for (const [text, line, column] of [
      ['{"profiles": {"default": {\n  "applicationSecret": XSECRETPART==\n}}}', 2, 24],
      ['{"profiles": {"default": {"applicationSecret": "a"} Zsecret}}', 1, 53],
      ['{"profiles": {"default": {"applicationSecret": "QUJD"}}} Ssecret', 1, 58],
      ['{"profiles": {"default": {"applicationSecret" Ksecret', 1, 47],
      ['{"profiles": {"default": {"applicationSecret": "Q\\x"}}}', 1, 50],
    ] as const) {
      writeFileSync(path, text, { mode: 0o600 });
      for (const argv of [
        ["sign", "a"],
        ["config", "show"],
        ["config", "list", "--json"],
      ]) {
        const r = await runCli(argv, { env: { SINCH_TICKET_CONFIG: path } });
        expect(r.code, text).toBe(2);
        expect(r.stderr, text).toBe(`error: config file ${path}: not valid JSON at line ${line}, column ${column}\n`);
      }
    }
  });
});

describe("a config file that is a symbolic link", () => {
  it("is written through: the target is replaced atomically with mode 0600, the link stays", async () => {
    const d = dir();
    mkdirSync(join(d, "dotfiles"));
    mkdirSync(join(d, "conf"));
    const target = join(d, "dotfiles", "sinch.json");
    const link = join(d, "conf", "config.json");
    writeFileSync(
      target,
      JSON.stringify({ profiles: { old: { applicationKey: "k-old", applicationSecret: SECRET } } }),
    );
    chmodSync(target, 0o644);
    symlinkSync("../dotfiles/sinch.json", link);
    const env = { SINCH_TICKET_CONFIG: link };
    const r = await runCli(["config", "init", "--store", "file", "--profile", "new", "--key", KEY, "--secret-stdin"], {
      env,
      stdin: SECRET,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("../dotfiles/sinch.json");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(target, "utf8")).profiles)).toEqual(["old", "new"]);
    // The next command reads what was written through the link.
    const list = await runCli(["config", "list", "--json"], { env });
    expect(JSON.parse(list.stdout).profiles.map((p: { name: string }) => p.name)).toEqual(["old", "new"]);
  });

  it("whose target is missing is refused, naming the target, and nothing is created", async () => {
    const d = dir();
    const link = join(d, "config.json");
    symlinkSync(join(d, "gone", "sinch.json"), link);
    const r = await runCli(["config", "init", "--store", "file", "--key", KEY, "--secret-stdin"], {
      env: { SINCH_TICKET_CONFIG: link },
      stdin: SECRET,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: config file ${link} is a symbolic link to ${join(d, "gone", "sinch.json")}, which does not exist: create it, or remove the link\n`,
    );
    expect(r.stderr).not.toContain(SECRET);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});

describe("a config folder that others can write", () => {
  it("gets a warning with the chmod 700 fix; a 0700 or 0755 folder none", async () => {
    for (const [mode, warned] of [
      [0o777, true],
      [0o770, true],
      [0o757, true],
      [0o755, false],
      [0o700, false],
      [0o1777, false],
    ] as const) {
      const d = dir();
      const folder = join(d, "sinch-ticket");
      mkdirSync(folder);
      const path = join(folder, "config.json");
      writeFileSync(
        path,
        JSON.stringify({ profiles: { default: { applicationKey: KEY, applicationSecret: SECRET } } }),
        {
          mode: 0o600,
        },
      );
      chmodSync(folder, mode);
      const r = await runCli(["sign", "a"], { env: { SINCH_TICKET_CONFIG: path } });
      expect(r.code, mode.toString(8)).toBe(0);
      const warning = `warning: config folder ${folder} can be written by other users (mode ${(mode & 0o777).toString(8)}): they could replace the config file; fix it with: chmod 700 ${folder}`;
      if (warned) expect(r.stderr, mode.toString(8)).toContain(warning);
      else expect(r.stderr, mode.toString(8)).not.toContain("config folder");
    }
  });

  it("is warned about beside a file readable by others, each with its fix", async () => {
    const d = dir();
    const folder = join(d, "sinch-ticket");
    mkdirSync(folder);
    const path = join(folder, "config.json");
    writeFileSync(path, JSON.stringify({ profiles: { default: { applicationKey: KEY, applicationSecret: SECRET } } }));
    chmodSync(path, 0o644);
    chmodSync(folder, 0o777);
    const r = await runCli(["config", "show"], { env: { SINCH_TICKET_CONFIG: path } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`chmod 600 ${path}`);
    expect(r.stderr).toContain(`chmod 700 ${folder}`);
  });
});
