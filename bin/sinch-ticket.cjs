#!/usr/bin/env -S node --
// The sinch-ticket command: starts the command line that `npm run build` writes to dist/.
// `--` in the shebang ends Node's own options: Node 20 to 24 read `--env-file` anywhere on
// the command line, even after the script, and would exit before the tool says a word.
// Node 22.3 and later keep the compiled code of every file loaded from here on between
// runs; Node 20 starts without it.
process.getBuiltinModule?.("node:module").enableCompileCache?.();
require("../dist/cli.cjs");
