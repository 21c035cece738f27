import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { ExitCode, ExitError } from "../terminal/exit.js";
import { type ConfigFile, noProfiles, readConfig } from "./config-file.js";

const LOCK_TIMEOUT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An exclusive lock beside the file (O_EXCL create), so writers take turns. */
async function lock(path: string): Promise<() => void> {
  const lockPath = `${path}.lock`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new ExitError(
          ExitCode.usage,
          `cannot lock config file ${path} (${(error as NodeJS.ErrnoException).code})`,
        );
      }
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) rmSync(lockPath, { force: true });
      } catch {
        // the lock went away meanwhile: try again
      }
      if (Date.now() - started > LOCK_TIMEOUT_MS) {
        throw new ExitError(ExitCode.usage, `config file ${path} is locked by another process (${lockPath})`);
      }
      await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 10);
    }
  }
}

/** Writes text to a temporary file in the same folder (mode 0600), syncs it, renames it over. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * The file to write: the path itself, or, when it is a symbolic link (a config kept in a
 * dotfiles folder), the file it points to, so that the link stays and no copy of a secret
 * is left behind in the old target. A link to a file that does not exist is refused.
 */
function writeTarget(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return path;
    throw new ExitError(ExitCode.usage, `cannot read config file ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    return realpathSync(path);
  } catch (error) {
    let target: string;
    try {
      target = resolve(dirname(path), readlinkSync(path));
    } catch {
      target = "a file";
    }
    const code = (error as NodeJS.ErrnoException).code;
    throw new ExitError(
      ExitCode.usage,
      code === "ENOENT"
        ? `config file ${path} is a symbolic link to ${target}, which does not exist: create it, or remove the link`
        : `cannot follow config file ${path}, a symbolic link to ${target} (${code ?? "error"})`,
    );
  }
}

/**
 * Reads, changes and writes the config file under a lock. A corrupt file is reported
 * and left as it is; the new file is written atomically with mode 0600 in a 0700 folder
 * (through a symbolic link: in its target's folder, the link kept).
 * `change` may do more (store a secret in the keychain) and register how to undo it with
 * `onFailure`: the undo runs, still under the lock, when the change or the write fails.
 */
export async function updateConfig<T>(
  named: string,
  change: (config: ConfigFile, onFailure: (undo: () => Promise<void>) => void) => T | Promise<T>,
): Promise<T> {
  try {
    mkdirSync(dirname(named), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ExitError(
      ExitCode.usage,
      `cannot create the folder of ${named} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const path = writeTarget(named);
  const unlock = await lock(path);
  const undo: (() => Promise<void>)[] = [];
  try {
    const loaded = readConfig(named);
    const config: ConfigFile = loaded?.config ?? { profiles: noProfiles() };
    const result = await change(config, (step) => undo.push(step));
    const { defaultProfile, profiles, ...rest } = config;
    const ordered = { ...(defaultProfile ? { defaultProfile } : {}), profiles, ...rest };
    try {
      writeAtomically(path, `${JSON.stringify(ordered, null, 2)}\n`);
    } catch (error) {
      throw new ExitError(
        ExitCode.usage,
        `cannot write config file ${named} (${(error as NodeJS.ErrnoException).code ?? "error"}); nothing was changed`,
      );
    }
    return result;
  } catch (error) {
    // Newest first; an undo that fails too is reported after the original error.
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (undoError) {
        const message = undoError instanceof Error ? undoError.message : String(undoError);
        throw new ExitError(ExitCode.usage, `${(error as Error).message}; undoing it failed too: ${message}`);
      }
    }
    throw error;
  } finally {
    unlock();
  }
}
