import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { base64Problem } from "../../core/base64.js";
import type { Candidate, Keyring, Unreadable } from "../../core/keyring.js";
import { ExitCode, ExitError, usageError } from "../terminal/exit.js";
import { type Io, readAll, stripOneNewline } from "../terminal/io.js";
import { configPath, isKeychainReference, type LoadedConfig, profileNamed, readConfig } from "./config-file.js";
import { KEYCHAIN_SERVICE, Keychain, keychainAccount, keychainTimeout, type SecretKind } from "./keychain.js";

export type CredentialSource = "flag" | "env" | "dotenv" | "config" | "demo";

/** Flags every command that needs credentials takes. */
export interface CredentialFlags {
  key?: string;
  secretFile?: string;
  secretStdin?: boolean;
  dotenv?: string;
  profile?: string;
  demo?: boolean;
  /** Refused: secrets never go on the command line. */
  secret?: string | boolean;
  /** Refused: Node's own flag; `--dotenv` is the tool's. */
  envFile?: string | boolean;
  /** The Conversation/SMS/Numbers webhook secret's file (commands that verify webhooks). */
  webhookSecretFile?: string;
}

export interface Resolved {
  value: string;
  source: CredentialSource;
  /** Where exactly: "--key", "SINCH_APPLICATION_KEY", ".env", a profile... */
  origin: string;
}

export interface Credentials {
  key: Resolved | null;
  secret: Resolved | null;
  profile: string;
  profileSource: string;
  configPath: string;
  /** Whether the config file was read and exists. */
  configFound: boolean;
}

export const DEMO_KEY = "demo-application-key";
/** A fixed, public secret for trying the tool; tickets made with it are useless to Sinch. */
const DEMO_SECRET = "c2luY2gtdGlja2V0IGRlbW8gc2VjcmV0LCBub3QgZm9yIHVzZQ==";

export const KEY_VAR = "SINCH_APPLICATION_KEY";
export const SECRET_VAR = "SINCH_APPLICATION_SECRET";
export const WEBHOOK_SECRET_VAR = "SINCH_WEBHOOK_SECRET";

/** What a `.env` file may supply: credentials, nothing that changes how the tool behaves. */
const DOTENV_NAMES = [KEY_VAR, SECRET_VAR, WEBHOOK_SECRET_VAR] as const;
type CredentialVariable = (typeof DOTENV_NAMES)[number];

export const SECRET_ALTERNATIVES =
  "use --secret-file <path>, --secret-stdin, SINCH_APPLICATION_SECRET, a .env file, or `sinch-ticket config init`";

export function secretRefused(): ExitError {
  return usageError(
    `--secret is not accepted: command lines are visible in process lists and shell history; ${SECRET_ALTERNATIVES}`,
  );
}

export function refuseSecretFlag(flags: CredentialFlags): void {
  if (flags.secret !== undefined) throw secretRefused();
  if (flags.envFile !== undefined) throw envFileRefused();
}

export function envFileRefused(): ExitError {
  return usageError("--env-file is not accepted (Node reads that flag itself): use --dotenv <path>");
}

export interface KeyringOptions {
  /** Secrets that are not strict base64 are taken as they are (signed requests). */
  lenient?: boolean;
  /**
   * The application key of the one input to check (null: it names none), when it is known
   * before the keyring is made: only the profiles holding it, and the default, are read.
   */
  forKey?: string | null;
}

/**
 * Where the credentials come from: one pair (flags, the environment, `.env`, --demo), a
 * profile named by --profile or SINCH_PROFILE, the profiles holding --key, or the config
 * file's profiles with none named (the default for signing; chosen by key for checking).
 */
export type Source =
  | { kind: "pair"; key: Resolved; secret: Resolved; profile: string | null }
  | { kind: "profile"; profile: string; notes: string[] }
  | { kind: "profiles-of-key"; key: Resolved; profiles: string[] }
  | { kind: "config"; profile: string };

/**
 * Resolves the application key and secret, each from the first source that has it:
 * flags, environment, .env, config profile, --demo. Sources are read only when needed.
 */
export class CredentialResolver {
  private dotenvCache: Record<string, string> | undefined;
  private configCache: LoadedConfig | null | undefined;
  private stdinSecret: string | undefined;
  private keychainCache: Keychain | undefined;
  private readonly keychainSecrets = new Map<string, Promise<string>>();
  private sourceCache: Promise<Source> | undefined;

  constructor(
    private readonly io: Io,
    private readonly flags: CredentialFlags,
  ) {
    refuseSecretFlag(flags);
    if (flags.secretFile !== undefined && flags.secretStdin) {
      throw usageError("use either --secret-file or --secret-stdin, not both");
    }
  }

  /** The .env file's variables (never applied to the environment); dotenv loads on demand. */
  async dotenv(): Promise<Record<string, string>> {
    if (this.dotenvCache) return this.dotenvCache;
    const explicit = this.flags.dotenv;
    const path = resolve(this.io.cwd, explicit ?? ".env");
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (explicit !== undefined || code !== "ENOENT") {
        throw usageError(`cannot read env file ${this.dotenvName()} (${code ?? "error"})`);
      }
    }
    const parsed = text === "" ? {} : (await import("dotenv")).parse(text);
    // The file belongs to the application being tested: only its credentials are taken.
    const taken: Record<string, string> = {};
    for (const name of DOTENV_NAMES) if (parsed[name] !== undefined) taken[name] = parsed[name];
    this.dotenvCache = taken;
    return this.dotenvCache;
  }

  /** The `.env` file's name as the user gave it (for messages: "SINCH_APPLICATION_KEY in staging.env"). */
  dotenvName(): string {
    return this.flags.dotenv ?? ".env";
  }

  /** A variable of the environment only (never `.env`): what changes how the tool behaves. */
  environment(name: string): string | undefined {
    const value = this.io.env[name];
    return value === undefined || value === "" ? undefined : value;
  }

  /** A credential variable: the environment's, else the same name from `.env`. */
  async lookup(name: CredentialVariable): Promise<{ value: string; source: "env" | "dotenv" } | null> {
    const fromEnv = this.io.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, source: "env" };
    const fromFile = (await this.dotenv())[name];
    if (fromFile !== undefined && fromFile !== "") return { value: fromFile, source: "dotenv" };
    return null;
  }

  async configPath(): Promise<string> {
    return configPath((name) => this.environment(name), this.io.home);
  }

  async config(): Promise<LoadedConfig | null> {
    if (this.configCache === undefined) this.configCache = readConfig(await this.configPath());
    return this.configCache;
  }

  /** The operating system's credential store (nothing is loaded until it is used). */
  keychain(): Keychain {
    this.keychainCache ??= new Keychain({ timeoutSeconds: keychainTimeout(this.io.env.SINCH_TICKET_KEYCHAIN_TIMEOUT) });
    return this.keychainCache;
  }

  /** A profile's secret from the keychain, read once; a missing entry is an error. */
  keychainSecret(profile: string, kind: SecretKind = "application"): Promise<string> {
    const id = `${kind} ${profile}`;
    let secret = this.keychainSecrets.get(id);
    if (!secret) {
      secret = this.keychain()
        .get(profile, kind)
        .then((value) => {
          if (value === null) {
            throw new ExitError(
              ExitCode.usage,
              kind === "webhook"
                ? `profile '${profile}' keeps its webhook secret in the keychain, but the entry is gone (service ${KEYCHAIN_SERVICE}, account ${keychainAccount(profile, kind)}): store it again with sinch-ticket config init --profile ${profile} --force --webhook-secret-file <path>`
                : `profile '${profile}' keeps its secret in the keychain, but the entry is gone (service ${KEYCHAIN_SERVICE}, account ${profile}): store it again with sinch-ticket config init --profile ${profile} --force`,
            );
          }
          return value;
        });
      this.keychainSecrets.set(id, secret);
    }
    return secret;
  }

  /** The profile to use and what chose it. */
  async profile(): Promise<{ name: string; source: string; explicit: boolean }> {
    if (this.flags.profile) return { name: this.flags.profile, source: "--profile", explicit: true };
    const fromEnv = this.environment("SINCH_PROFILE");
    if (fromEnv) return { name: fromEnv, source: "SINCH_PROFILE", explicit: true };
    const fromFile = (await this.config())?.config.defaultProfile;
    if (fromFile) return { name: fromFile, source: "defaultProfile", explicit: false };
    return { name: "default", source: "default", explicit: false };
  }

  /**
   * The webhook secret (Conversation, SMS, Numbers): --webhook-secret-file, else
   * SINCH_WEBHOOK_SECRET (environment or .env), else the profile's `webhookSecret` (in the
   * file or the keychain). Used as the text it is.
   */
  async webhookSecret(): Promise<Resolved | null> {
    const file = this.flags.webhookSecretFile;
    if (file !== undefined) {
      let text: string;
      try {
        text = readFileSync(resolve(this.io.cwd, file), "utf8");
      } catch (error) {
        throw usageError(
          `cannot read webhook secret file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        );
      }
      const value = stripOneNewline(text);
      if (value === "") throw usageError(`webhook secret file ${file} is empty`);
      return { value, source: "flag", origin: "--webhook-secret-file" };
    }
    // --demo reads no other source: a webhook secret then comes from its flag alone.
    if (this.flags.demo) return null;
    const env = await this.lookup(WEBHOOK_SECRET_VAR);
    if (env) return { ...env, origin: this.originOf(WEBHOOK_SECRET_VAR, env.source) };
    return this.profileWebhook();
  }

  /** The chosen profile's webhook secret, if it has one; a profile named but missing is an error. */
  private async profileWebhook(): Promise<Resolved | null> {
    const loaded = await this.config();
    const profile = await this.profile();
    if (!profileNamed(loaded?.config, profile.name)) {
      if (profile.explicit) {
        const path = await this.configPath();
        throw new ExitError(
          ExitCode.usage,
          loaded
            ? `no profile '${profile.name}' in config file ${path} (from ${profile.source})`
            : `profile '${profile.name}' was asked for (${profile.source}) but there is no config file at ${path}`,
        );
      }
      return null;
    }
    return this.profileWebhookSecret(profile.name);
  }

  /** A profile's webhook secret (in the file or the keychain), used as the text it is. */
  async profileWebhookSecret(name: string): Promise<Resolved | null> {
    const stored = profileNamed((await this.config())?.config, name)?.webhookSecret;
    if (!stored) return null;
    if (isKeychainReference(stored)) {
      return {
        value: await this.keychainSecret(name, "webhook"),
        source: "config",
        origin: `keychain: profile '${name}'`,
      };
    }
    return { value: stored, source: "config", origin: `profile '${name}' in ${await this.configPath()}` };
  }

  /**
   * A config profile's key and secret, each with where it came from: the one place a
   * profile becomes credentials. The secret is read when asked for (a keychain-held one is
   * one call to the store) and checked to be standard base64 unless `lenient`.
   */
  private async fromProfile(
    name: string,
    lenient = false,
  ): Promise<{ key: Resolved | null; secret: (() => Promise<Resolved>) | null; secretProblem: string | null }> {
    const path = await this.configPath();
    const entry = profileNamed((await this.config())?.config, name);
    const origin = `profile '${name}' in ${path}`;
    const key: Resolved | null = entry?.applicationKey
      ? { value: entry.applicationKey, source: "config", origin }
      : null;
    const stored = entry?.applicationSecret;
    if (!stored) return { key, secret: null, secretProblem: null };
    const checked = (found: Resolved): Resolved => {
      if (lenient && found.value !== "") return found;
      const problem = base64Problem(found.value, { secret: true });
      if (problem) throw badSecret(found.origin, problem);
      return found;
    };
    if (isKeychainReference(stored)) {
      const secret = async () =>
        checked({ value: await this.keychainSecret(name), source: "config", origin: `keychain: profile '${name}'` });
      return { key, secret, secretProblem: null };
    }
    const secretProblem = base64Problem(stored, { secret: true });
    return { key, secret: async () => checked({ value: stored, source: "config", origin }), secretProblem };
  }

  /** "SINCH_APPLICATION_KEY", or "SINCH_APPLICATION_KEY in staging.env". */
  private originOf(name: string, source: "env" | "dotenv"): string {
    return source === "env" ? name : `${name} in ${this.dotenvName()}`;
  }

  /** The secret of --secret-file or --secret-stdin (stdin read once), or null. */
  private async flagSecret(): Promise<Resolved | null> {
    if (this.flags.secretFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(resolve(this.io.cwd, this.flags.secretFile), "utf8");
      } catch (error) {
        throw usageError(
          `cannot read secret file ${this.flags.secretFile} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        );
      }
      return { value: stripOneNewline(text), source: "flag", origin: "--secret-file" };
    }
    if (this.flags.secretStdin) {
      if (this.stdinSecret === undefined) {
        if (this.io.stdin.isTTY) throw usageError("--secret-stdin needs the secret piped to standard input");
        this.stdinSecret = stripOneNewline(await readAll(this.io.stdin));
      }
      return { value: this.stdinSecret, source: "flag", origin: "--secret-stdin" };
    }
    return null;
  }

  /** The secret --secret-file or --secret-stdin gives, checked to be base64 (config init stores it). */
  async secretFromFlags(): Promise<Resolved | null> {
    const found = await this.flagSecret();
    return found ? checkedSecret(found, false) : null;
  }

  /** One of the environment's or `.env`'s halves, with where it came from. */
  private async half(name: CredentialVariable, from: "env" | "dotenv"): Promise<Resolved | null> {
    const value = from === "env" ? this.environment(name) : (await this.dotenv())[name];
    if (value === undefined || value === "") return null;
    return { value, source: from, origin: this.originOf(name, from) };
  }

  /**
   * Where the credentials come from, as the contract orders the sources: the first that has
   * a key or a secret provides both, and a half pair is an error naming the missing half,
   * never completed from a lower source. Read once.
   */
  source(): Promise<Source> {
    this.sourceCache ??= this.findSource();
    return this.sourceCache;
  }

  private async findSource(): Promise<Source> {
    const { flags } = this;
    if (flags.demo) {
      const others = [
        flags.key !== undefined && "--key",
        flags.secretFile !== undefined && "--secret-file",
        flags.secretStdin && "--secret-stdin",
        flags.profile !== undefined && "--profile",
      ].filter(Boolean);
      if (others.length > 0) {
        throw usageError(`--demo uses only the built-in demo credentials: leave out ${others.join(" and ")}`);
      }
      return {
        kind: "pair",
        key: { value: DEMO_KEY, source: "demo", origin: "--demo" },
        secret: { value: DEMO_SECRET, source: "demo", origin: "--demo" },
        profile: null,
      };
    }
    if (flags.key === "") throw usageError("--key is empty");
    const flagSecret = await this.flagSecret();
    if (flags.profile !== undefined) {
      if (flags.key !== undefined || flagSecret) {
        throw usageError("give either --profile or --key with --secret-file/--secret-stdin, not both");
      }
      return this.namedProfile(flags.profile, "--profile");
    }
    if (flags.key !== undefined) {
      const key: Resolved = { value: flags.key, source: "flag", origin: "--key" };
      if (flagSecret) return { kind: "pair", key, secret: flagSecret, profile: null };
      // The common CI form: the key as a flag, the secret from the job's secrets.
      for (const from of ["env", "dotenv"] as const) {
        const otherKey = await this.half(KEY_VAR, from);
        const secret = await this.half(SECRET_VAR, from);
        if (secret && (otherKey === null || otherKey.value === flags.key)) {
          return { kind: "pair", key, secret, profile: null };
        }
      }
      const holding = await this.profilesHolding(flags.key);
      if (holding.length === 0) {
        throw usageError(
          `no secret for --key ${flags.key}: give --secret-file or --secret-stdin, set ${SECRET_VAR}, or add a profile with that key (sinch-ticket config init)`,
        );
      }
      return { kind: "profiles-of-key", key, profiles: holding };
    }
    if (flagSecret) {
      const key = (await this.half(KEY_VAR, "env")) ?? (await this.half(KEY_VAR, "dotenv"));
      if (!key) {
        throw usageError(
          `${flagSecret.origin} gives a secret but no application key: add --key <key> (or set ${KEY_VAR})`,
        );
      }
      return { kind: "pair", key, secret: flagSecret, profile: null };
    }
    for (const from of ["env", "dotenv"] as const) {
      const key = await this.half(KEY_VAR, from);
      const secret = await this.half(SECRET_VAR, from);
      const where = from === "env" ? "the environment" : this.dotenvName();
      if (key && secret) return { kind: "pair", key, secret, profile: null };
      if (key) {
        throw usageError(
          `${key.origin} is set but ${SECRET_VAR} is ${this.setButEmpty(SECRET_VAR, from) ? "empty" : "not"} in ${where}: a key and its secret come from one place (set both, or neither)`,
        );
      }
      if (secret) {
        throw usageError(
          `${secret.origin} is set but ${KEY_VAR} is ${this.setButEmpty(KEY_VAR, from) ? "empty" : "not"} in ${where}: set ${KEY_VAR} there too, or give --key <key>`,
        );
      }
    }
    const profile = await this.profile();
    if (profile.explicit) return this.namedProfile(profile.name, profile.source);
    return { kind: "config", profile: profile.name };
  }

  /** Whether a variable is present but empty (an unset CI secret reads as ""). */
  private setButEmpty(name: CredentialVariable, from: "env" | "dotenv"): boolean {
    if (from === "env") return this.io.env[name] === "";
    return this.dotenvCache?.[name] === "";
  }

  /** A profile named by --profile or SINCH_PROFILE: its own pair, whatever else is set. */
  private async namedProfile(name: string, by: string): Promise<Source> {
    const loaded = await this.config();
    if (!profileNamed(loaded?.config, name)) {
      const path = await this.configPath();
      throw new ExitError(
        ExitCode.usage,
        loaded
          ? `no profile '${name}' in config file ${path} (from ${by})`
          : `profile '${name}' was asked for (${by}) but there is no config file at ${path}`,
      );
    }
    const notes: string[] = [];
    const unused: string[] = [];
    for (const from of ["env", "dotenv"] as const) {
      for (const variable of [KEY_VAR, SECRET_VAR] as const) {
        const found = await this.half(variable, from);
        if (found) unused.push(found.origin);
      }
    }
    if (unused.length > 0) notes.push(`using profile '${name}' (${by}): ${unused.join(", ")} not used`);
    return { kind: "profile", profile: name, notes };
  }

  /** The profiles whose key is `key`, in the file's order. */
  private async profilesHolding(key: string): Promise<string[]> {
    const profiles = (await this.config())?.config.profiles ?? {};
    return Object.keys(profiles).filter((name) => profiles[name]?.applicationKey === key);
  }

  /** Notes about the choice of source, said once before the answer (e.g. what --profile left unused). */
  async sourceNotes(): Promise<string[]> {
    const source = await this.source();
    return source.kind === "profile" ? source.notes : [];
  }

  /**
   * The one key and secret to sign with: a pair from one source. `lenient` leaves a secret
   * that is not strict base64 unchecked (signed requests; the caller warns). Missing
   * credentials, or a --key several profiles hold, are exit 2.
   */
  async pair(
    options: { lenient?: boolean } = {},
  ): Promise<{ key: Resolved; secret: Resolved; profile: string | null }> {
    const lenient = options.lenient ?? false;
    const source = await this.source();
    switch (source.kind) {
      case "pair":
        return { key: source.key, secret: checkedSecret(source.secret, lenient), profile: source.profile };
      case "profiles-of-key": {
        if (source.profiles.length > 1) {
          throw usageError(
            `--key ${source.key.value} is the key of several profiles (${source.profiles.map((p) => `'${p}'`).join(", ")}): signing needs one secret, so name one with --profile`,
          );
        }
        const name = source.profiles[0] as string;
        return { ...(await this.completePair(name, lenient)), profile: name };
      }
      case "profile":
      case "config":
        return { ...(await this.completePair(source.profile, lenient)), profile: source.profile };
    }
  }

  /** A profile's key and secret, both required. */
  private async completePair(name: string, lenient: boolean): Promise<{ key: Resolved; secret: Resolved }> {
    const own = await this.fromProfile(name, lenient);
    if (!own.key && !own.secret) {
      const loaded = await this.config();
      throw profileNamed(loaded?.config, name) ? profileIncomplete(name, "an application key") : missingKey();
    }
    if (!own.key) throw profileIncomplete(name, "an application key");
    if (!own.secret) throw profileIncomplete(name, "an application secret");
    return { key: own.key, secret: await own.secret() };
  }

  /** The key alone, where no secret is needed (config show); null when there is none. */
  async key(): Promise<Resolved | null> {
    const source = await this.source();
    if (source.kind === "pair" || source.kind === "profiles-of-key") return source.key;
    return (await this.fromProfile(source.profile)).key;
  }

  /** The secret alone (config show); null when there is none. */
  async secret(options: { lenient?: boolean } = {}): Promise<Resolved | null> {
    const source = await this.source();
    if (source.kind === "pair") return checkedSecret(source.secret, options.lenient ?? false);
    if (source.kind === "profiles-of-key") return (await this.pair(options)).secret;
    const own = await this.fromProfile(source.profile, options.lenient ?? false);
    return own.secret ? own.secret() : null;
  }

  /**
   * The credentials that check a ticket, token or request, as plain data for every entry
   * point (see src/core/keyring.ts): one fixed pair from flags, the environment, `.env`, a
   * named profile or --demo; the profiles holding --key; or, with nothing given, every
   * profile, chosen by the input's key. A profile whose secret cannot be read is set aside
   * with why, an error only for an input of its key. Missing credentials are exit 2.
   */
  async keyring(options: KeyringOptions & { optional: true }): Promise<Keyring | null>;
  async keyring(options?: KeyringOptions & { optional?: false }): Promise<Keyring>;
  async keyring(options: KeyringOptions & { optional?: boolean } = {}): Promise<Keyring | null> {
    const lenient = options.lenient ?? false;
    const source = await this.source();
    const config = (await this.config())?.config;
    const names = Object.keys(config?.profiles ?? {});
    const base = { profiles: [], unreadable: [], defaultProfile: null, names };
    if (source.kind === "pair") {
      const secret = checkedSecret(source.secret, lenient);
      return { ...base, fixed: [{ profile: source.profile, key: source.key.value, secret: secret.value }] };
    }
    if (source.kind === "profile") {
      const { key, secret } = await this.completePair(source.profile, lenient);
      return { ...base, fixed: [{ profile: source.profile, key: key.value, secret: secret.value }] };
    }
    // One input's key known in advance: only the profiles that may answer it are read (a
    // keychain asked for every profile's secret would take a store's time for each).
    const wanted =
      source.kind === "config" && options.forKey !== undefined
        ? names.filter(
            (name) => name === source.profile || profileNamed(config, name)?.applicationKey === options.forKey,
          )
        : source.kind === "config"
          ? names
          : source.profiles;
    const read = await this.readProfiles(wanted, lenient);
    if (source.kind === "profiles-of-key") {
      if (read.profiles.length === 0) throw usageError((read.unreadable[0] as Unreadable).reason);
      return { ...base, unreadable: read.unreadable, fixed: read.profiles };
    }
    const usable = names.some((name) => {
      const entry = profileNamed(config, name);
      return Boolean(entry?.applicationKey && entry.applicationSecret);
    });
    if (!usable || (read.profiles.length === 0 && read.unreadable.length === 0 && options.forKey === undefined)) {
      const own = await this.fromProfile(source.profile, lenient);
      if (own.key && !own.secret) throw profileIncomplete(source.profile, "an application secret");
      if (options.optional) return null;
      throw missingSecret();
    }
    return { ...base, fixed: null, defaultProfile: source.profile, ...read };
  }

  /** The named profiles' pairs; a secret that cannot be read (or is not base64) is set aside with why. */
  private async readProfiles(
    names: string[],
    lenient: boolean,
  ): Promise<{ profiles: (Candidate & { profile: string })[]; unreadable: Unreadable[] }> {
    const profiles: (Candidate & { profile: string })[] = [];
    const unreadable: Unreadable[] = [];
    // One after another: a keychain asked many things at once may answer none of them.
    for (const name of names) {
      const { key, secret, secretProblem } = await this.fromProfile(name, lenient);
      if (!key || !secret) continue;
      if (secretProblem && !lenient) {
        unreadable.push({ profile: name, key: key.value, reason: "its secret is not standard base64" });
        continue;
      }
      try {
        profiles.push({ profile: name, key: key.value, secret: (await secret()).value });
      } catch (error) {
        if (!(error instanceof ExitError)) throw error;
        unreadable.push({ profile: name, key: key.value, reason: error.message });
      }
    }
    return { profiles, unreadable };
  }

  /**
   * A config profile's own key and secret (the keychain's, when it keeps it), whatever the
   * flags and the environment say; an unknown profile is an error.
   */
  async profileCredentials(name: string): Promise<{ key: Resolved | null; secret: Resolved | null }> {
    if (!profileNamed((await this.config())?.config, name)) {
      throw usageError(`no profile '${name}' in config file ${await this.configPath()}`);
    }
    const { key, secret } = await this.fromProfile(name);
    return { key, secret: secret ? await secret() : null };
  }

  /** Warnings about the config file, once it has been read. */
  configWarnings(): string[] {
    const warning = this.configCache?.permissionWarning;
    return warning ? [warning] : [];
  }
}

/** The secret, checked to be standard base64 unless `lenient` (then only non-empty). */
function checkedSecret(found: Resolved, lenient: boolean): Resolved {
  if (lenient && found.value !== "") return found;
  const problem = base64Problem(found.value, { secret: true });
  if (problem) throw badSecret(found.origin, problem);
  return found;
}

function profileIncomplete(name: string, what: string): ExitError {
  return usageError(
    `profile '${name}' has no ${what.replace(/^an? /, "")}: a profile holds a key and its secret (sinch-ticket config init --profile ${name} --force)`,
  );
}

function badSecret(origin: string, problem: string): ExitError {
  return usageError(`the application secret from ${origin} is not standard base64 of at least one byte: it ${problem}`);
}

export function missingSecret(): ExitError {
  return usageError(`no application secret: ${SECRET_ALTERNATIVES}`);
}

export function missingWebhookSecret(): ExitError {
  return usageError(
    `no webhook secret: use --webhook-secret-file <path>, ${WEBHOOK_SECRET_VAR}, a .env file, or a profile's webhookSecret`,
  );
}

export function missingKey(): ExitError {
  return usageError(
    `no application key: use --key <key>, ${KEY_VAR}, a .env file, or \`sinch-ticket config init\` (or --demo to try the tool)`,
  );
}
