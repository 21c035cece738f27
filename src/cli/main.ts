import { keychainBusy } from "./credentials/keychain.js";
import { run } from "./program.js";
import { processIo } from "./terminal/io.js";

// Node 22.3 and later keep the compiled code of the files loaded from here on (the
// command that runs) between runs; Node 20 starts without it, and without loading
// node:module for nothing.
(process as { getBuiltinModule?: (id: string) => { enableCompileCache?: () => unknown } })
  .getBuiltinModule?.("node:module")
  .enableCompileCache?.();

run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
  // A credential store that never answered holds a native call open: do not wait for it.
  if (keychainBusy()) process.exit(code);
});
