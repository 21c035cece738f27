import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { base64Problem } from "../../core/base64.js";
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

/** A profile a ticket can pick by its application key. */
export interface KeyedProfile {
  name: string;
  key: Resolved;
  secret: () => Promise<Resolved>;
}

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

  constructor(
    private readonly io: Io,
    private readonly flags: CredentialFlags,
  ) {
    refuseSecretFlag(flags);
    if (flags.secretFile !== undefined && flags.secretStdin) {
      throw usageError("use either --secret-file or --secret-stdin, not both");
    }
  }

  /** The .env file as the user named it (`--dotenv`, relative as typed), for messages. */
  private dotenvName(): string {
    return this.flags.dotenv ?? ".env";
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
    this.dotenvCache = text === "" ? {} : (await import("dotenv")).parse(text);
    return this.dotenvCache;
  }

  /** An environment variable, else the same name from .env. */
  async lookup(name: string): Promise<{ value: string; source: "env" | "dotenv" } | null> {
    const fromEnv = this.io.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, source: "env" };
    const fromFile = (await this.dotenv())[name];
    if (fromFile !== undefined && fromFile !== "") return { value: fromFile, source: "dotenv" };
    return null;
  }

  async configPath(): Promise<string> {
    const [explicit, xdg] = [await this.lookup("SINCH_TICKET_CONFIG"), await this.lookup("XDG_CONFIG_HOME")];
    const values: Record<string, string | undefined> = {
      SINCH_TICKET_CONFIG: explicit?.value,
      XDG_CONFIG_HOME: xdg?.value,
    };
    return configPath((name) => values[name], this.io.home);
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
    const fromEnv = await this.lookup("SINCH_PROFILE");
    if (fromEnv) return { name: fromEnv.value, source: "SINCH_PROFILE", explicit: true };
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
    const env = await this.lookup(WEBHOOK_SECRET_VAR);
    if (env)
      return {
        ...env,
        origin: env.source === "env" ? WEBHOOK_SECRET_VAR : `${WEBHOOK_SECRET_VAR} in ${this.dotenvName()}`,
      };
    return this.profileValue("webhookSecret");
  }

  /**
   * The chosen profile's key, secret or webhook secret, if it has one; a profile named but
   * missing is an error. `lenient` leaves a secret that is not strict base64 unchecked.
   */
  private async profileValue(field: "key" | "secret" | "webhookSecret", lenient = false): Promise<Resolved | null> {
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
    if (field === "webhookSecret") return this.profileWebhookSecret(profile.name);
    const own = await this.fromProfile(profile.name, lenient);
    return field === "key" ? own.key : ((await own.secret?.()) ?? null);
  }

  /** A profile's webhook secret (in the file or the keychain), used as the text it is. */
  private async profileWebhookSecret(name: string): Promise<Resolved | null> {
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

  async key(): Promise<Resolved | null> {
    if (this.flags.key !== undefined) {
      if (this.flags.key === "") throw usageError("--key is empty");
      return { value: this.flags.key, source: "flag", origin: "--key" };
    }
    const env = await this.lookup(KEY_VAR);
    if (env) return { ...env, origin: env.source === "env" ? KEY_VAR : `${KEY_VAR} in ${this.dotenvName()}` };
    const profile = await this.profileValue("key");
    if (profile) return profile;
    return this.flags.demo ? { value: DEMO_KEY, source: "demo", origin: "--demo" } : null;
  }

  /**
   * The secret, checked to be standard base64; `stdin` is read once for --secret-stdin.
   * `lenient`: a secret that is not strict base64 is returned as it is (signed requests,
   * which Node and Java decode leniently; the caller warns).
   */
  async secret(options: { lenient?: boolean } = {}): Promise<Resolved | null> {
    const found = await this.findSecret(options.lenient ?? false);
    if (found && options.lenient && found.value !== "") return found;
    if (found) {
      const problem = base64Problem(found.value, { secret: true });
      if (problem) throw badSecret(found.origin, problem);
    }
    return found;
  }

  private async findSecret(lenient: boolean): Promise<Resolved | null> {
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
    const env = await this.lookup(SECRET_VAR);
    if (env) return { ...env, origin: env.source === "env" ? SECRET_VAR : `${SECRET_VAR} in ${this.dotenvName()}` };
    const profile = await this.profileValue("secret", lenient);
    if (profile) return profile;
    return this.flags.demo ? { value: DEMO_SECRET, source: "demo", origin: "--demo" } : null;
  }

  /**
   * Whether the credentials would be the config file's default choice: neither the key nor
   * the secret from flags, the environment, `.env` or `--demo`, and no profile named. Then
   * a ticket may pick the profile of its own application (see `profilesByKey`).
   */
  async choosesProfileByKey(): Promise<boolean> {
    if (this.flags.demo || this.flags.key !== undefined) return false;
    if (this.flags.secretFile !== undefined || this.flags.secretStdin) return false;
    if ((await this.profile()).explicit) return false;
    return (await this.lookup(KEY_VAR)) === null && (await this.lookup(SECRET_VAR)) === null;
  }

  /**
   * The config file's profiles that have a key and a secret, by application key. A secret
   * is read when asked for (a keychain-held one is one call to the store).
   */
  async profilesByKey(): Promise<Map<string, KeyedProfile>> {
    const byKey = new Map<string, KeyedProfile>();
    for (const name of Object.keys((await this.config())?.config.profiles ?? {})) {
      const { key, secret, secretProblem } = await this.fromProfile(name);
      if (!key || !secret || secretProblem || byKey.has(key.value)) continue;
      byKey.set(key.value, { name, key, secret });
    }
    return byKey;
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
