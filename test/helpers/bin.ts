import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { until } from "./wait.js";

/** The installed command: bin/sinch-ticket.cjs, which starts the build in dist/. */
export const CLI = fileURLToPath(new URL("../../bin/sinch-ticket.cjs", import.meta.url));
const BUILT = fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url));

export function requireBuild(): void {
  if (!existsSync(BUILT)) throw new Error("dist/cli.cjs is missing: run `npm run build` first (npm test does)");
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), "st-home-"));
}

/** A clean environment: nothing from the developer's own shell leaks into a test. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempHome();
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: join(home, ".config"), ...extra };
}

/** Writes a config file with these profiles (file-held secrets) for a cleanEnv environment. */
export function writeProfiles(
  env: Record<string, string>,
  defaultProfile: string,
  profiles: Record<string, { applicationKey: string; applicationSecret: string }>,
): void {
  const dir = join(env.XDG_CONFIG_HOME as string, "sinch-ticket");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ defaultProfile, profiles }), { mode: 0o600 });
}

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary with real pipes. */
export function runBin(
  args: string[],
  options: { env?: Record<string, string>; input?: string | Uint8Array; cwd?: string } = {},
): BinResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: options.env ?? cleanEnv(),
    input: options.input ?? "",
    cwd: options.cwd ?? tmpdir(),
    encoding: "utf8",
    timeout: 60000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a shell command line in a pseudo-terminal (util-linux `script`), so the program
 * sees a real TTY; `steps` wait for text on the screen, then type.
 */
export async function runInTerminal(
  commandLine: string,
  steps: { waitFor: RegExp; type: string }[],
  env: Record<string, string>,
): Promise<{ code: number | null; screen: string }> {
  const child = spawn("script", ["-qfec", commandLine, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], env });
  let screen = "";
  child.stdout.on("data", (d: Buffer) => {
    screen += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    for (const step of steps) {
      await until(() => step.waitFor.test(screen) || child.exitCode !== null, `${step.waitFor} on the screen`);
      if (!step.waitFor.test(screen)) throw new Error(`no ${step.waitFor} on the screen: ${JSON.stringify(screen)}`);
      await new Promise((r) => setTimeout(r, 50));
      child.stdin.write(step.type);
    }
    return { code: await exited, screen };
  } finally {
    child.kill();
  }
}
