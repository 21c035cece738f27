// @napi-rs/keyring as the standalone executable's code sees it. The executable carries the
// native addon of its platform as an asset (when the build machine had one): on first use
// it is written to a new private folder (0700, the file 0600), loaded, and the folder is
// removed again. Without the asset, or where it does not load, this throws, and the
// keychain is unavailable as on a machine without one.
const { mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { getAsset } = require("node:sea");

let addon;
try {
  addon = getAsset("keyring.node");
} catch {
  throw new Error(`this executable carries no keychain binding for ${process.platform}-${process.arch}`);
}
const dir = mkdtempSync(join(tmpdir(), "sinch-ticket-keyring-"));
const binding = { exports: {} };
try {
  const file = join(dir, "keyring.node");
  writeFileSync(file, new Uint8Array(addon), { mode: 0o600, flag: "wx" });
  process.dlopen(binding, file);
} finally {
  // A loaded library stays loaded once its file is gone (where the system lets it go).
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {}
}
module.exports = binding.exports;
