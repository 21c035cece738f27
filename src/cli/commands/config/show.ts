import { createHash } from "node:crypto";
import { decodeSecret } from "../../../core/base64.js";
import type { SecretKind } from "../../credentials/keychain.js";
import { CredentialResolver, type Resolved } from "../../credentials/resolver.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { ExitCode } from "../../terminal/exit.js";
import { printRows } from "../../views/decoded.js";
import { reportConfigWarnings } from "../shared.js";
import type { ConfigShowFlags } from "./options.js";

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
