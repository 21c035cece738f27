// Builds dist/:
// - cli.cjs: a tiny launcher that turns on Node's compile cache (Node 22+) and loads
//   main.cjs, the CLI bundle (CommonJS: the quickest module system to start);
// - prompts.cjs: the terminal prompts, loaded only when a command asks something;
// - index.js and types/: the library (ESM) and its declarations.
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20.12",
  legalComments: "none",
  logLevel: "warning",
};

/** Keeps the prompts out of the main bundle: they are required from prompts.cjs on demand. */
const lazyPrompts = {
  name: "lazy-prompts",
  setup(b) {
    b.onResolve({ filter: /^@inquirer\/prompts$/ }, () => ({ path: "./prompts.cjs", external: true }));
  },
};

await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/main.cjs",
  format: "cjs",
  minify: true,
  plugins: [lazyPrompts],
});
await build({
  ...common,
  entryPoints: ["src/cli/prompts-bundle.ts"],
  outfile: "dist/prompts.cjs",
  format: "cjs",
  minify: true,
});

writeFileSync(
  "dist/cli.cjs",
  `#!/usr/bin/env node
"use strict";
// Node 22+ keeps compiled code between runs; older versions simply start without it.
try {
  require("node:module").enableCompileCache?.();
} catch {}
require("./main.cjs");
`,
);
chmodSync("dist/cli.cjs", 0o755);

await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", format: "esm" });

execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
