/**
 * Installing from git: `npm install -g git+file://...` clones, installs the
 * devDependencies, runs `prepare` (the build) and installs what `files` names. Done here
 * from a commit of this working tree (tracked and new files, as they are now) into a
 * temporary prefix, from npm's cache where it can (the devDependencies come from the
 * registry otherwise, as they would for a user).
 */
import { type ExecFileSyncOptionsWithStringEncoding, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const git = (args: string[], cwd: string) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "test",
      GIT_COMMITTER_EMAIL: "test@example.com",
    },
  });

let prefix: string;
let bin: string;

beforeAll(() => {
  // A repository holding exactly the files git would commit here: no dist/, no node_modules.
  const repo = mkdtempSync(join(tmpdir(), "st-git-repo-"));
  const files = git(["ls-files", "--cached", "--others", "--exclude-standard", "-z"], root)
    .split("\0")
    .filter((f) => f && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(root, file), join(repo, file));
  }
  git(["init", "--quiet", "--initial-branch", "main"], repo);
  git(["add", "-A"], repo);
  git(["commit", "--quiet", "-m", "snapshot"], repo);

  prefix = mkdtempSync(join(tmpdir(), "st-git-global-"));
  execFileSync(
    "npm",
    ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", `git+file://${repo}`],
    {
      cwd: prefix,
      stdio: "ignore",
      env: { ...process.env, npm_config_update_notifier: "false" },
    },
  );
  bin = join(prefix, "bin", "sinch-ticket");
}, 600_000);

describe("npm install -g git+file://<checkout>", () => {
  it("builds on install, and the installed command signs and verifies", () => {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: prefix };
    const quiet: ExecFileSyncOptionsWithStringEncoding = { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] };
    const ticket = execFileSync(bin, ["sign", "--demo", "--no-input", "alice"], quiet);
    expect(ticket).toMatch(/^ey[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
    const verdict = execFileSync(bin, ["verify", "--demo", "--json", ticket.trim()], quiet);
    expect(JSON.parse(verdict)).toMatchObject({ valid: true, code: "valid" });
  });

  it("installs the built files and no sources", () => {
    const installed = join(prefix, "lib", "node_modules", "sinch-ticket");
    expect(existsSync(join(installed, "dist", "cli.cjs"))).toBe(true);
    expect(existsSync(join(installed, "dist", "batch-worker.cjs"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(existsSync(join(installed, "node_modules", "rolldown"))).toBe(false);
  });
});
