import { createHash } from "node:crypto";
import { base64Problem, decodeSecret } from "../../../core/base64.js";
import { escapeForTerminal } from "../../../core/escape.js";
import { type ConfigFile, isKeychainReference, profileNamed } from "../../credentials/config-file.js";
import { updateConfig } from "../../credentials/config-store.js";
import {
  type Keychain,
  KeychainError,
  keychainAccount,
  keychainAllowed,
  type SecretKind,
} from "../../credentials/keychain.js";
import { CredentialResolver, type Resolved } from "../../credentials/resolver.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { ExitCode, ExitError, usageError } from "../../terminal/exit.js";
import { canPrompt, prompterFor } from "../../terminal/prompt.js";
import { printRows } from "../../views/decoded.js";
import { reportConfigWarnings } from "../shared.js";
import type { ConfigInitFlags, ConfigListFlags, ConfigMigrateFlags, ConfigShowFlags } from "./options.js";

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw usageError(`'${name}' is not a profile name: use letters, digits, '.', '_' and '-' (at most 64)`);
  }
  return name;
}

function keyProblem(key: string): string | null {
  if (key.trim() === "") return "the application key is empty";
  if (/\s/.test(key)) return "the application key contains whitespace";
  return null;
}

function secretValidator(value: string): string | true {
  const problem = base64Problem(value, { secret: true });
  return problem === null ? true : `the secret must be standard base64, as the Sinch dashboard shows it: it ${problem}`;
}

/**
 * Deletes the keychain entry of a profile that goes away or leaves the keychain. With no
 * credential store on this machine there is nothing here to delete: a warning, not a stop.
 */
async function dropKeychainEntry(
  keychain: Keychain,
  profile: string,
  onFailure: (undo: () => Promise<void>) => void,
  ctx: CommandContext,
  kind: SecretKind = "application",
): Promise<void> {
  if (!keychainAllowed(profile)) {
    // Its name holds a ':': the account it points at is no entry of its own (see keychainAccount).
    ctx.ui.warn(`profile '${profile}' cannot have a keychain entry of its own (':' in its name): none was deleted`);
    return;
  }
  try {
    await deleteFromKeychain(keychain, profile, onFailure, kind);
  } catch (error) {
    if (!(error instanceof KeychainError) || error.problem !== "unavailable") throw error;
    ctx.ui.warn(
      `the keychain entry of profile '${profile}'${kind === "webhook" ? " (webhook secret)" : ""} was not deleted: ${error.reason}`,
    );
  }
}

/**
 * Stores a profile's secret in the keychain within a config update: the entry it replaces
 * (if any) is put back when the update fails.
 */
async function storeInKeychain(
  keychain: Keychain,
  profile: string,
  secret: string,
  onFailure: (undo: () => Promise<void>) => void,
  kind: SecretKind = "application",
): Promise<void> {
  const previous = await keychain.get(profile, kind);
  await keychain.set(profile, secret, kind);
  onFailure(async () => {
    if (previous === null) await keychain.delete(profile, kind);
    else await keychain.set(profile, previous, kind);
  });
}

/** Deletes a profile's keychain entry within a config update; put back when it fails. */
async function deleteFromKeychain(
  keychain: Keychain,
  profile: string,
  onFailure: (undo: () => Promise<void>) => void,
  kind: SecretKind = "application",
): Promise<string | null> {
  const previous = await keychain.get(profile, kind);
  if (previous === null) return null;
  await keychain.delete(profile, kind);
  onFailure(() => keychain.set(profile, previous, kind));
  return previous;
}

/** The webhook secret `config init` was given: `--webhook-secret-file`'s text, one newline removed. */
async function webhookSecretFromFile(credentials: CredentialResolver): Promise<string> {
  // The resolver reads --webhook-secret-file first, with the same messages as every command.
  return ((await credentials.webhookSecret()) as Resolved).value;
}

/** `config init`: asks for (or takes) a key and secret and stores them in a profile. */
export async function configInit(flags: ConfigInitFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const credentials = new CredentialResolver(io, {
    ...(flags.secret !== undefined ? { secret: flags.secret } : {}),
    ...(flags.secretFile !== undefined ? { secretFile: flags.secretFile } : {}),
    ...(flags.secretStdin ? { secretStdin: true } : {}),
    ...(flags.webhookSecretFile !== undefined ? { webhookSecretFile: flags.webhookSecretFile } : {}),
  });
  const path = await credentials.configPath();
  const profile = checkProfileName(flags.profile ?? credentials.environment("SINCH_PROFILE") ?? "default");
  const interactive = canPrompt(io, flags.input !== false);
  const existing = await credentials.config();
  reportConfigWarnings(ctx, credentials);
  const exists = profileNamed(existing?.config, profile) !== undefined;

  if (exists && !flags.force) {
    if (!interactive) {
      throw usageError(`profile '${profile}' already exists in ${path}: add --force to replace it`);
    }
    if (!(await prompterFor(io).confirm(`Replace the existing profile '${profile}'?`, false))) {
      ui.note("nothing changed");
      return ExitCode.ok;
    }
  }

  let key = flags.key;
  const fromFlags = flags.secretFile !== undefined || flags.secretStdin === true;
  let secret = fromFlags ? (await credentials.secretFromFlags())?.value : undefined;
  // The webhook secret (optional): --webhook-secret-file, else asked along with the others.
  let webhookSecret = flags.webhookSecretFile !== undefined ? await webhookSecretFromFile(credentials) : undefined;
  if (key === undefined || secret === undefined) {
    if (!interactive) {
      throw usageError("config init without a terminal needs --key and --secret-stdin or --secret-file");
    }
    const prompter = prompterFor(io);
    key ??= await prompter.input("Application key", (v) => keyProblem(v) ?? true);
    secret ??= await prompter.password("Application secret (input hidden)", secretValidator);
    if (webhookSecret === undefined) {
      const kept = exists && profileNamed(existing?.config, profile)?.webhookSecret !== undefined;
      const answer = await prompter.password(
        `Webhook secret for Conversation, SMS and Numbers (input hidden; optional, ${kept ? "empty keeps the current one" : "empty for none"})`,
        () => true,
      );
      if (answer !== "") webhookSecret = answer;
    }
  }
  const problem = keyProblem(key);
  if (problem) throw usageError(problem);
  const secretCheck = secretValidator(secret);
  if (secretCheck !== true) throw usageError(secretCheck);

  const finalKey = key;
  const finalSecret = secret;
  const finalWebhook = webhookSecret;
  const where = await updateConfig(path, async (config, onFailure) => {
    const previous = profileNamed(config, profile);
    if (previous !== undefined && !exists && !flags.force) {
      throw usageError(`profile '${profile}' was created by another process meanwhile: add --force to replace it`);
    }
    let stored: "keychain" | "file" = "file";
    if (flags.store !== "file") {
      try {
        await storeInKeychain(credentials.keychain(), profile, finalSecret, onFailure);
        // The webhook secret goes where the application secret goes.
        if (finalWebhook !== undefined) {
          await storeInKeychain(credentials.keychain(), profile, finalWebhook, onFailure, "webhook");
        }
        stored = "keychain";
      } catch (error) {
        // Asked for the keychain: no other place. Otherwise the file, as gh does, saying why.
        if (flags.store === "keychain" || !(error instanceof KeychainError)) throw error;
        ui.note(
          `${error.reason}; the secret goes in the config file (mode 0600) instead; move it later with sinch-ticket config migrate`,
        );
      }
    } else if (previous !== undefined && isKeychainReference(previous.applicationSecret)) {
      // The secret moves to the file: the old keychain entry must not stay behind.
      await dropKeychainEntry(credentials.keychain(), profile, onFailure, ctx);
    }
    if (
      finalWebhook !== undefined &&
      stored === "file" &&
      previous !== undefined &&
      isKeychainReference(previous.webhookSecret)
    ) {
      // The new webhook secret goes in the file: the old entry must not stay behind.
      await dropKeychainEntry(credentials.keychain(), profile, onFailure, ctx, "webhook");
    }
    // Replacing the application's credentials without a new webhook secret keeps the old one.
    const webhook =
      finalWebhook === undefined
        ? previous?.webhookSecret
        : stored === "keychain"
          ? { keychain: true as const }
          : finalWebhook;
    config.profiles[profile] = {
      applicationKey: finalKey,
      applicationSecret: stored === "keychain" ? { keychain: true } : finalSecret,
      ...(webhook !== undefined ? { webhookSecret: webhook } : {}),
    };
    if (!config.defaultProfile) config.defaultProfile = profile;
    return stored;
  });
  const place = where === "keychain" ? "in the keychain" : "in the file";
  ui.note(
    `${exists ? "replaced" : "saved"} profile '${profile}' in ${path} (secret ${place}${finalWebhook !== undefined ? `, webhook secret ${place}` : ""})`,
  );
  return ExitCode.ok;
}

/**
 * Never the secret: a fixed mask, its length in bytes (the application secret's decoded,
 * the webhook secret's as the text it is used as), and a short fingerprint to compare.
 */
export function maskSecret(secret: string, kind: SecretKind = "application"): { masked: string; fingerprint: string } {
  const bytes = kind === "webhook" ? Buffer.from(secret, "utf8") : decodeSecret(secret);
  const fingerprint = createHash("sha256").update(bytes).digest("hex").slice(0, 8);
  return { masked: `******** (${bytes.length} bytes)`, fingerprint: `sha256:${fingerprint}` };
}

function describeSource(r: Resolved | null): string {
  return r ? `${r.source}: ${r.origin}` : "not set";
}

/** `config show`: which credentials a command would use, and where each came from. */
export async function configShow(flags: ConfigShowFlags, ctx: CommandContext): Promise<number> {
  const credentials = new CredentialResolver(ctx.io, flags);
  const key = await credentials.key();
  const secret = await credentials.secret();
  const webhook = await credentials.webhookSecret();
  const profile = await credentials.profile();
  const path = await credentials.configPath();
  const found = (await credentials.config()) !== null;
  reportConfigWarnings(ctx, credentials);
  const mask = secret ? maskSecret(secret.value) : null;
  const webhookMask = webhook ? maskSecret(webhook.value, "webhook") : null;
  if (flags.json) {
    printJson(ctx, {
      profile: profile.name,
      configPath: path,
      applicationKey: { value: key?.value ?? null, source: key?.source ?? null, origin: key?.origin ?? null },
      applicationSecret: {
        masked: mask?.masked ?? null,
        source: secret?.source ?? null,
        origin: secret?.origin ?? null,
        fingerprint: mask?.fingerprint ?? null,
      },
      webhookSecret: {
        masked: webhookMask?.masked ?? null,
        source: webhook?.source ?? null,
        origin: webhook?.origin ?? null,
        fingerprint: webhookMask?.fingerprint ?? null,
      },
    });
    return ExitCode.ok;
  }
  printRows(ctx, [
    ["profile", `${profile.name} (${profile.source === "default" ? "the default name" : `from ${profile.source}`})`],
    ["config file", `${path}${found ? "" : " (not found)"}`],
    ["key", key ? `${key.value} (${describeSource(key)})` : "not set"],
    ["secret", secret && mask ? `${mask.masked} ${mask.fingerprint} (${describeSource(secret)})` : "not set"],
    [
      "webhook secret",
      webhook && webhookMask
        ? `${webhookMask.masked} ${webhookMask.fingerprint} (${describeSource(webhook)})`
        : "not set",
    ],
  ]);
  return ExitCode.ok;
}

async function loadExisting(
  ctx: CommandContext,
): Promise<{ path: string; config: ConfigFile | null; credentials: CredentialResolver }> {
  const credentials = new CredentialResolver(ctx.io, {});
  const path = await credentials.configPath();
  const loaded = await credentials.config();
  reportConfigWarnings(ctx, credentials);
  return { path, config: loaded?.config ?? null, credentials };
}

/** `config list`: the profiles in the file (keys, never secrets). */
export async function configList(flags: ConfigListFlags, ctx: CommandContext): Promise<number> {
  const { path, config } = await loadExisting(ctx);
  const profiles = Object.entries(config?.profiles ?? {}).map(([name, p]) => ({
    name,
    applicationKey: p.applicationKey ?? null,
    hasSecret: Boolean(p.applicationSecret),
    secretStore: storeOf(p.applicationSecret),
    webhookSecretStore: storeOf(p.webhookSecret),
    default: name === (config?.defaultProfile ?? "default"),
  }));
  if (flags.json) {
    printJson(ctx, { configPath: path, defaultProfile: config?.defaultProfile ?? null, profiles });
    return ExitCode.ok;
  }
  if (profiles.length === 0) {
    ctx.ui.note(
      `no profiles in ${path}${config ? "" : " (file not found)"}; create one with \`sinch-ticket config init\``,
    );
    return ExitCode.ok;
  }
  const width = Math.max(...profiles.map((p) => escapeForTerminal(p.name).length));
  for (const p of profiles) {
    const marker = p.default ? ctx.ui.out("ok", "*") : " ";
    const secretNote =
      p.secretStore === "keychain"
        ? ctx.ui.out("dim", "  (secret in the keychain)")
        : p.hasSecret
          ? ""
          : ctx.ui.out("warn", "  (no secret)");
    const webhookNote =
      p.webhookSecretStore === null ? "" : ctx.ui.out("dim", `  (webhook secret in the ${p.webhookSecretStore})`);
    ctx.ui.print(
      `${marker} ${escapeForTerminal(p.name).padEnd(width)}  ${p.applicationKey === null ? ctx.ui.out("dim", "(no key)") : escapeForTerminal(p.applicationKey)}${secretNote}${webhookNote}`,
    );
  }
  return ExitCode.ok;
}

function storeOf(value: string | { keychain: true } | undefined): "keychain" | "file" | null {
  return isKeychainReference(value) ? "keychain" : value ? "file" : null;
}

function requireProfile(config: ConfigFile, name: string, path: string): void {
  if (profileNamed(config, name) === undefined) {
    const known = Object.keys(config.profiles);
    throw new ExitError(
      ExitCode.usage,
      `no profile '${name}' in ${path}${known.length ? ` (profiles: ${known.join(", ")})` : ""}`,
    );
  }
}

/** `config use <profile>`: makes it the default. */
export async function configUse(name: string, ctx: CommandContext): Promise<number> {
  const { path, config } = await loadExisting(ctx);
  if (!config) throw usageError(`no config file at ${path}; create one with \`sinch-ticket config init\``);
  requireProfile(config, name, path);
  await updateConfig(path, (c) => {
    requireProfile(c, name, path);
    c.defaultProfile = name;
  });
  ctx.ui.note(`default profile is now '${name}'`);
  return ExitCode.ok;
}

/** `config remove <profile>`: the profile, and its keychain entry if it has one. */
export async function configRemove(name: string, ctx: CommandContext): Promise<number> {
  const { path, config, credentials } = await loadExisting(ctx);
  if (!config) throw usageError(`no config file at ${path}`);
  requireProfile(config, name, path);
  await updateConfig(path, async (c, onFailure) => {
    requireProfile(c, name, path);
    if (isKeychainReference(profileNamed(c, name)?.applicationSecret)) {
      await dropKeychainEntry(credentials.keychain(), name, onFailure, ctx);
    }
    if (isKeychainReference(profileNamed(c, name)?.webhookSecret)) {
      await dropKeychainEntry(credentials.keychain(), name, onFailure, ctx, "webhook");
    }
    delete c.profiles[name];
    if (c.defaultProfile === name) delete c.defaultProfile;
  });
  ctx.ui.note(`removed profile '${name}' from ${path}`);
  return ExitCode.ok;
}

/** `config migrate`: moves secrets between the config file and the keychain. */
export async function configMigrate(flags: ConfigMigrateFlags, ctx: CommandContext): Promise<number> {
  const { path, config, credentials } = await loadExisting(ctx);
  if (!config) throw usageError(`no config file at ${path}; create one with \`sinch-ticket config init\``);
  if (flags.profile !== undefined) requireProfile(config, flags.profile, path);
  const to = flags.to ?? "keychain";
  const keychain = credentials.keychain();
  const moved = await updateConfig(path, async (c, onFailure) => {
    const names = flags.profile !== undefined ? [flags.profile] : Object.keys(c.profiles);
    const done: { application: string[]; webhook: string[] } = { application: [], webhook: [] };
    for (const name of names) {
      requireProfile(c, name, path);
      const entry = profileNamed(c, name) as NonNullable<ConfigFile["profiles"][string]>;
      if (to === "keychain" && !keychainAllowed(name)) {
        const outside = typeof entry.applicationSecret === "string" || typeof entry.webhookSecret === "string";
        // Named: refused (exit 2, see keychainAccount). One of all: it stays in the file, said.
        if (flags.profile !== undefined) keychainAccount(name, "application");
        if (outside)
          ctx.ui.warn(`profile '${name}' stays in the file: ':' in a profile name is reserved in the keychain`);
        continue;
      }
      for (const kind of ["application", "webhook"] as const) {
        const field = kind === "webhook" ? "webhookSecret" : "applicationSecret";
        const secret = entry[field];
        if (to === "keychain" && typeof secret === "string") {
          await storeInKeychain(keychain, name, secret, onFailure, kind);
          entry[field] = { keychain: true };
          done[kind].push(`'${name}'`);
        } else if (to === "file" && isKeychainReference(secret)) {
          const value = keychainAllowed(name) ? await deleteFromKeychain(keychain, name, onFailure, kind) : null;
          if (value === null) {
            throw usageError(
              `profile '${name}' keeps its ${kind === "webhook" ? "webhook secret" : "secret"} in the keychain, but the entry is gone: store it again with sinch-ticket config init --profile ${name} --force`,
            );
          }
          entry[field] = value;
          done[kind].push(`'${name}'`);
        }
      }
    }
    return done;
  });
  const place = to === "keychain" ? "the keychain" : `the config file ${path}`;
  const what = [
    ...(moved.application.length ? [`the secret of ${moved.application.join(", ")}`] : []),
    ...(moved.webhook.length ? [`the webhook secret of ${moved.webhook.join(", ")}`] : []),
  ];
  ctx.ui.note(
    what.length === 0
      ? `nothing to move: no ${flags.profile !== undefined ? `secret of profile '${flags.profile}'` : "secret"} is outside ${place}`
      : `moved ${what.join(" and ")} to ${place}`,
  );
  return ExitCode.ok;
}

/** `config path`: where the config file is (whether or not it exists). */
export async function configPathCommand(ctx: CommandContext): Promise<number> {
  ctx.ui.print(await new CredentialResolver(ctx.io, {}).configPath());
  return ExitCode.ok;
}
