// The top of the executable's main script (rolldown.exe.config.ts writes the rest). The
// command line is split as in the npm build: the code every command runs, and parts that
// only some commands load (`require("./run-1a2b.cjs")`). In the executable, Node's
// require() loads only its own built-in modules, so this one stands in for it: each part
// is an asset, compiled when first required, with V8's code from the user's cache folder
// when there is some (src/cli/compile-cache.ts, bundled below this: the code cache the
// executable is built with holds only the top level of a script, and start-up is mostly
// functions compiled on first call). Anything else goes to Node's require().
"use strict";
const builtinRequire = require;
const { getAsset } = builtinRequire("node:sea");
const { compileFunction } = builtinRequire("node:vm");
/** Each part's module once it has run. */
const parts = new Map();
/** The cache, and the executable's identity that names its entries. */
let codeCache = null;
let stamp = "";

/**
 * Opens the cache with src/cli/compile-cache.ts's exports, its entries named by the
 * executable's identity (size, inode, modification and change times); no cache if
 * anything fails.
 */
// biome-ignore lint/correctness/noUnusedVariables: the rest of the main script calls it
function openExeCache({ compileCacheDir, fileStamp, openCodeCache }) {
  try {
    stamp = fileStamp(process.execPath);
    if (stamp === null) return;
    const lookup = (name) => process.env[name];
    const dir = compileCacheDir(lookup, process.execPath);
    codeCache = openCodeCache(dir, (entry) => entry.endsWith(`.${stamp}.v8`), stamp, {
      lookup,
      loader: module.constructor,
    });
  } catch {
    codeCache = null;
  }
}

// biome-ignore lint/correctness/noUnusedVariables: the rest of the main script uses it
const partRequire = (id) => {
  if (!id.startsWith("./")) return builtinRequire(id);
  const name = id.slice(2);
  const known = parts.get(name);
  if (known) return known.exports;
  const filename = `${__dirname}/${name}`;
  // Decoded by Buffer: getAsset's own decoding sets up a TextDecoder, a tenth of a millisecond more.
  const source = Buffer.from(getAsset(name)).toString("utf8");
  const run = codeCache
    ? codeCache.compile(filename, source, `${name}.${stamp}.v8`)
    : compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"], { filename });
  const part = { exports: {} };
  parts.set(name, part);
  run.call(part.exports, part.exports, partRequire, part, filename, __dirname);
  return part.exports;
};
