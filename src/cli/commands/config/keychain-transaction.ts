import { type Keychain, KeychainError, keychainAllowed, type SecretKind } from "../../credentials/keychain.js";
import type { CommandContext } from "../../terminal/context.js";

/** An undo step registered with the config update in progress (see updateConfig). */
type OnFailure = (undo: () => Promise<void>) => void;

/**
 * Deletes the keychain entry of a profile that goes away or leaves the keychain. With no
 * credential store on this machine there is nothing here to delete: a warning, not a stop.
 */
export async function dropKeychainEntry(
  keychain: Keychain,
  profile: string,
  onFailure: OnFailure,
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
export async function storeInKeychain(
  keychain: Keychain,
  profile: string,
  secret: string,
  onFailure: OnFailure,
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
export async function deleteFromKeychain(
  keychain: Keychain,
  profile: string,
  onFailure: OnFailure,
  kind: SecretKind = "application",
): Promise<string | null> {
  const previous = await keychain.get(profile, kind);
  if (previous === null) return null;
  await keychain.delete(profile, kind);
  onFailure(() => keychain.set(profile, previous, kind));
  return previous;
}
