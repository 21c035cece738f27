#!/usr/bin/env -S node --
// The sinch-ticket command: starts the command line that `npm run build` writes to dist/.
// `--` in the shebang ends Node's own options: Node 20 to 24 read `--env-file` anywhere on
// the command line, even after the script, and would exit before the tool says a word.
// The compiled code of the files loaded from here on is kept between runs: by Node itself
// from 22.3 on, by dist/compile-cache.cjs before (src/cli/compile-cache.ts). Without a
// cache the tool runs all the same. node:module is asked only where it may have a cache
// to give: on Node 20 loading it loads the ES module loader too, for nothing.
const { join } = require("node:path");
const entry = join(__dirname, "..", "dist", "cli.cjs");
const { enableCompileCache } = Number.parseInt(process.versions.node, 10) >= 22 ? require("node:module") : {};
if (enableCompileCache) enableCompileCache();
else {
  try {
    require("../dist/compile-cache.cjs").enableCompileCache(entry, { loader: module.constructor });
  } catch {
    // No cache this run.
  }
}
require(entry).main();
