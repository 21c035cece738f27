// The top of the executable's main script (rolldown.exe.config.ts writes the rest). The
// command line is split as in the npm build: the code every command runs, and parts that
// only some commands load (`require("./run-1a2b.cjs")`). In the executable, Node's
// require() loads only its own built-in modules, so this one stands in for it: the parts
// every command runs are functions in this script (so that Node's code cache covers them);
// the others are assets, compiled when first required. Anything else goes to Node's.
"use strict";
const builtinRequire = require;
const { getAsset } = builtinRequire("node:sea");
const { compileFunction } = builtinRequire("node:vm");
/** Each part's module once it has run; its function (in this script) until then. */
const parts = new Map();
// biome-ignore lint/correctness/noUnusedVariables: the rest of the main script uses it
const partRequire = (id) => {
  if (!id.startsWith("./")) return builtinRequire(id);
  const name = id.slice(2);
  let part = parts.get(name);
  if (part && typeof part !== "function") return part.exports;
  const filename = `${__dirname}/${name}`;
  const run =
    part ??
    compileFunction(getAsset(name, "utf8"), ["exports", "require", "module", "__filename", "__dirname"], { filename });
  part = { exports: {} };
  parts.set(name, part);
  run.call(part.exports, part.exports, partRequire, part, filename, __dirname);
  return part.exports;
};
