import { isKeychainReference, profileNamed } from "../../credentials/config-file.js";
import { updateConfig } from "../../credentials/config-store.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode, usageError } from "../../terminal/exit.js";
import { dropKeychainEntry } from "./keychain-transaction.js";
import { loadExisting, requireProfile } from "./profiles.js";

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
