import { escapeForTerminal } from "../../../core/escape.js";
import { isKeychainReference } from "../../credentials/config-file.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { ExitCode } from "../../terminal/exit.js";
import type { ConfigListFlags } from "./options.js";
import { loadExisting } from "./profiles.js";

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
