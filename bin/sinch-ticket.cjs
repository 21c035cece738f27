#!/usr/bin/env node
// The sinch-ticket command: starts the command line that `npm run build` writes to dist/.
// Node 22.3 and later keep the compiled code of every file loaded from here on between
// runs; Node 20 starts without it.
process.getBuiltinModule?.("node:module").enableCompileCache?.();
require("../dist/cli.cjs");
