import type { Keyring } from "../../src/core/keyring.js";

/** The keyring of one key and secret, as flags or the environment give it (no profiles). */
export function fixedKeyring(key: string, secret: string): Keyring {
  return { fixed: [{ profile: null, key, secret }], profiles: [], unreadable: [], defaultProfile: null, names: [] };
}
