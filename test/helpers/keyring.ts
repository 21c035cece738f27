import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempHome } from "./bin.js";

/**
 * A private D-Bus session (dbus-run-session) with a real gnome-keyring Secret Service whose
 * login keyring is created and unlocked with a password, in a HOME of its own.
 */
export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS of the session. */
  address: string;
  home: string;
  /** secret-tool against this session's store, as a person would check it. */
  secretTool(...args: string[]): { code: number | null; stdout: string };
  /** The keyring daemon's process id (it owns org.freedesktop.secrets). */
  daemonPid(): number;
  /** Restarts the daemon without unlocking: the login keyring is then locked. */
  lock(): Promise<void>;
  /** Restarts the daemon unlocked. */
  unlock(): Promise<void>;
  stop(): void;
}

const PASSWORD = "keyring-test-password";

function waitForLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = /^(unix:\S+)\n/m.exec(out);
      if (line) resolve(line[1] as string);
    });
    child.on("exit", (code) => reject(new Error(`the D-Bus session ended (${code}) before it was ready: ${out}`)));
  });
}

export async function startSecretService(): Promise<SecretService> {
  const home = tempHome();
  mkdirSync(join(home, ".local", "share", "keyrings"), { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  // The shell inside the session unlocks the keyring, says where the bus is, and keeps
  // the session alive until it is killed.
  const script = `printf '%s' '${PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && echo "$DBUS_SESSION_BUS_ADDRESS" && exec sleep 100000`;
  const child = spawn("dbus-run-session", ["--", "sh", "-c", script], {
    env,
    stdio: ["ignore", "pipe", "ignore"],
    detached: true,
  });
  const address = await waitForLine(child);
  const inSession = { ...env, DBUS_SESSION_BUS_ADDRESS: address };
  const run = (command: string, args: string[], input?: string) =>
    spawnSync(command, args, { env: inSession, input: input ?? "", encoding: "utf8", timeout: 15000 });
  const restart = async (unlocked: boolean) => {
    run("sh", [
      "-c",
      unlocked
        ? `printf '%s' '${PASSWORD}' | gnome-keyring-daemon --replace --unlock --components=secrets -d >/dev/null 2>&1`
        : "gnome-keyring-daemon --replace --components=secrets -d >/dev/null 2>&1 </dev/null",
    ]);
    await new Promise((r) => setTimeout(r, 500));
  };
  const daemonPid = () => {
    const r = run("dbus-send", [
      "--session",
      "--print-reply",
      "--dest=org.freedesktop.DBus",
      "/",
      "org.freedesktop.DBus.GetConnectionUnixProcessID",
      "string:org.freedesktop.secrets",
    ]);
    const pid = /uint32 (\d+)/.exec(r.stdout);
    if (!pid) throw new Error(`no Secret Service on the bus: ${r.stdout}${r.stderr}`);
    return Number(pid[1]);
  };
  return {
    address,
    home,
    secretTool: (...args) => {
      const r = run("secret-tool", args);
      return { code: r.status, stdout: r.stdout };
    },
    daemonPid,
    lock: () => restart(false),
    unlock: () => restart(true),
    stop() {
      // The daemon may have been restarted out of the session's process group.
      for (const kill of [
        () => process.kill(daemonPid(), "SIGKILL"),
        () => process.kill(-(child.pid as number), "SIGKILL"),
      ]) {
        try {
          kill();
        } catch {
          // already gone
        }
      }
    },
  };
}
