import { type ConfigFile, isKeychainReference, profileNamed } from "../../credentials/config-file.js";
import { updateConfig } from "../../credentials/config-store.js";
import { keychainAccount, keychainAllowed } from "../../credentials/keychain.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode, usageError } from "../../terminal/exit.js";
import { deleteFromKeychain, storeInKeychain } from "./keychain-transaction.js";
import type { ConfigMigrateFlags } from "./options.js";
import { loadExisting, requireProfile } from "./profiles.js";

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
