import { base64Problem } from "../../../core/base64.js";
import { isKeychainReference, profileNamed } from "../../credentials/config-file.js";
import { updateConfig } from "../../credentials/config-store.js";
import { KeychainError } from "../../credentials/keychain.js";
import { CredentialResolver, type Resolved } from "../../credentials/resolver.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode, usageError } from "../../terminal/exit.js";
import { canPrompt, prompterFor } from "../../terminal/prompt.js";
import { reportConfigWarnings } from "../shared.js";
import { dropKeychainEntry, storeInKeychain } from "./keychain-transaction.js";
import type { ConfigInitFlags } from "./options.js";

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
