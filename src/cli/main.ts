import module from "node:module";
import { run } from "./program.js";
import { processIo } from "./terminal/io.js";

// Node 22 and later keep the compiled code of the files loaded from here on (the command
// that runs) between runs; Node 20 simply starts without it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
