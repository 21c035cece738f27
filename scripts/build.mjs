// Builds dist/: the CLI bundle (heavy modules split into lazily loaded chunks), the
// library bundle, and the library's type declarations.
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20.12",
  format: "esm",
  legalComments: "none",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  minify: true,
  banner: {
    // Bundled CommonJS dependencies call require(); give ESM output one.
    js: '#!/usr/bin/env node\nimport { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
});
chmodSync("dist/cli.js", 0o755);

await build({ ...common, entryPoints: { index: "src/index.ts" }, outdir: "dist" });

execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
