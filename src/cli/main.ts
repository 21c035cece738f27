import { keychainBusy } from "./credentials/keychain.js";
import { run } from "./program.js";
import { processIo, settled } from "./terminal/io.js";

run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  // A credential store that never answered holds a native call open: do not wait for it.
  if (keychainBusy()) process.exit(code);
  // Once callbacks due now have run: with nothing left to wait for, end without the teardown.
  else
    setImmediate(() => {
      if (settled()) process.exit(code);
    });
});
