import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { findJsonError } from "../../core/json-error.js";
import { ExitCode, ExitError } from "../terminal/exit.js";

/** Written in place of a secret that is kept in the operating system's keychain. */
export interface KeychainReference {
  keychain: true;
}

export interface Profile {
  applicationKey?: string;
  applicationSecret?: string | KeychainReference;
  /** The Conversation/SMS/Numbers webhook secret, used as the text it is. */
  webhookSecret?: string | KeychainReference;
}

export function isKeychainReference(value: unknown): value is KeychainReference {
  return value !== null && typeof value === "object" && (value as { keychain?: unknown }).keychain === true;
}

export interface ConfigFile {
  defaultProfile?: string;
  /** With no prototype: every name, `__proto__` and `constructor` included, is an own key. */
  profiles: Record<string, Profile>;
}

/** An empty set of profiles, with no prototype (see `profileNamed`). */
export function noProfiles(): Record<string, Profile> {
  return Object.create(null) as Record<string, Profile>;
}

/**
 * The profile of that name, looked up as an own key only: `constructor`, `__proto__` and
 * `toString` are names like any other, absent unless the file defines them.
 */
export function profileNamed(config: ConfigFile | null | undefined, name: string): Profile | undefined {
  return config && Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

/** `SINCH_TICKET_CONFIG`, else `$XDG_CONFIG_HOME/sinch-ticket/config.json`, else `~/.config/...`. */
export function configPath(lookup: (name: string) => string | undefined, home: string): string {
  const explicit = lookup("SINCH_TICKET_CONFIG");
  if (explicit) return explicit;
  const xdg = lookup("XDG_CONFIG_HOME");
  return join(xdg ? xdg : join(home, ".config"), "sinch-ticket", "config.json");
}

function configError(path: string, message: string): ExitError {
  return new ExitError(ExitCode.usage, `config file ${path}: ${message}`);
}

/** Checks the shape of a parsed config file; messages never quote values. */
export function checkConfigShape(path: string, data: unknown): ConfigFile {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw configError(path, "must be a JSON object");
  }
  const record = data as Record<string, unknown>;
  if (record.defaultProfile !== undefined && typeof record.defaultProfile !== "string") {
    throw configError(path, "'defaultProfile' must be a string");
  }
  const profiles = record.profiles ?? {};
  if (profiles === null || typeof profiles !== "object" || Array.isArray(profiles)) {
    throw configError(path, "'profiles' must be an object");
  }
  const own = noProfiles();
  for (const [name, profile] of Object.entries(profiles as Record<string, unknown>)) {
    own[name] = profile as Profile;
    if (profile === null || typeof profile !== "object" || Array.isArray(profile)) {
      throw configError(path, `profile '${name}' must be an object`);
    }
    const { applicationKey, applicationSecret, webhookSecret } = profile as Record<string, unknown>;
    if (applicationKey !== undefined && typeof applicationKey !== "string") {
      throw configError(path, `'applicationKey' of profile '${name}' must be a string`);
    }
    if (
      applicationSecret !== undefined &&
      typeof applicationSecret !== "string" &&
      !(isKeychainReference(applicationSecret) && Object.keys(applicationSecret).length === 1)
    ) {
      throw configError(path, `'applicationSecret' of profile '${name}' must be a string or {"keychain": true}`);
    }
    if (
      webhookSecret !== undefined &&
      typeof webhookSecret !== "string" &&
      !(isKeychainReference(webhookSecret) && Object.keys(webhookSecret).length === 1)
    ) {
      throw configError(path, `'webhookSecret' of profile '${name}' must be a string or {"keychain": true}`);
    }
  }
  return { ...record, profiles: own } as ConfigFile;
}

export interface LoadedConfig {
  config: ConfigFile;
  /**
   * Set when the file is readable by group or others, or its folder writable by them: the
   * warnings, each with its fix, in one line.
   */
  permissionWarning: string | null;
}

export function permissionWarning(path: string, mode: number): string | null {
  if (process.platform === "win32" || (mode & 0o077) === 0) return null;
  return `config file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); fix it with: chmod 600 ${path}`;
}

/**
 * Set when group or others can write the folder: they could replace the config file (and
 * its secrets) with their own. A sticky folder (such as /tmp) lets nobody replace another
 * user's file, so it is not warned about.
 */
export function folderWarning(folder: string, mode: number): string | null {
  if (process.platform === "win32" || (mode & 0o022) === 0 || (mode & 0o1000) !== 0) return null;
  return `config folder ${folder} can be written by other users (mode ${(mode & 0o777).toString(8)}): they could replace the config file; fix it with: chmod 700 ${folder}`;
}

/** The folders whose permissions guard the file: its own, and its target's when it is a link. */
function folderWarnings(path: string): string[] {
  const folders = new Set([dirname(path)]);
  try {
    folders.add(dirname(realpathSync(path)));
  } catch {
    // read a moment ago; gone now: its own folder is what there is to check
  }
  const warnings: string[] = [];
  for (const folder of folders) {
    try {
      const warning = folderWarning(folder, statSync(folder).mode);
      if (warning) warnings.push(warning);
    } catch {
      // a folder that cannot be looked at is no warning; reading the file already worked
    }
  }
  return warnings;
}

/**
 * Parses config text; a corrupt file is an error naming the file and the position, and
 * nothing of the text: next to the mistake may be a secret (JSON.parse's own message, and
 * a description of what was found there, would quote it).
 */
export function parseConfig(path: string, text: string): ConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const where = findJsonError(text);
    throw configError(path, where ? `not valid JSON at line ${where.line}, column ${where.column}` : "not valid JSON");
  }
  return checkConfigShape(path, data);
}

/** Reads the config file; null when it does not exist. */
export function readConfig(path: string): LoadedConfig | null {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, "utf8");
    mode = statSync(path).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    throw configError(path, `cannot be read (${code ?? "error"})`);
  }
  const config = parseConfig(path, text);
  const warnings = [permissionWarning(path, mode), ...folderWarnings(path)].filter((w) => w !== null);
  return { config, permissionWarning: warnings.length > 0 ? warnings.join("; ") : null };
}
