import { keychainBusy } from "./credentials/keychain.js";
import { run } from "./program.js";
import { processIo } from "./terminal/io.js";

run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  // A credential store that never answered holds a native call open: do not wait for it.
  if (keychainBusy()) process.exit(code);
});
