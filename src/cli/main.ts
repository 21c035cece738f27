import { keychainBusy } from "./credentials/keychain.js";
import { run } from "./program.js";
import { processIo } from "./terminal/io.js";

/**
 * The command line of this process: bin/sinch-ticket.cjs calls it. Loading the file runs
 * nothing (the files loaded later share its code), unless it is the script Node was
 * started with (`node dist/cli.cjs sign ...`).
 */
export function main(): void {
  run(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
    // A credential store that never answered holds a native call open: do not wait for it.
    if (keychainBusy()) process.exit(code);
  });

  // Node says when nothing is left for its event loop (no write, timer, socket, child or
  // input pending), then tears the heap down before the process ends: about 2 ms of a
  // one-ticket run. End at once instead, unless another listener means to do more then (a
  // logger's last flush): that one runs, and Node ends as it does.
  process.once("beforeExit", (code) => {
    if (process.listenerCount("beforeExit") === 0) process.exit(code);
  });
}

if (typeof require !== "undefined" && require.main === module) main();
