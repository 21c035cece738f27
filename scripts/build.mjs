// Builds dist/:
// - cli.cjs: the command line (CommonJS: the quickest to start); it turns on Node's
//   compile cache (Node 22+) for the files it loads next;
// - one file per command (sign.cjs, decode.cjs, verify.cjs, config.cjs) and batch.cjs,
//   loaded only when used, so a run compiles only the code it needs;
// - prompts.cjs: the terminal prompts, loaded only when a command asks something;
// - batch-worker.cjs: the worker thread that shares long batch runs with the main thread;
// - index.js and types/: the library (ESM) and its declarations.
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20.12",
  legalComments: "none",
  logLevel: "warning",
};

/** Modules that become files of their own, required on demand from the others. */
const separate = [
  { filter: /^@inquirer\/prompts$/, file: "prompts.cjs" },
  { filter: /\/commands\/(sign|decode|verify|config)\.js$/, file: null },
  { filter: /^\.\/batch\.js$/, file: "batch.cjs" },
];
const lazyFiles = (self) => ({
  name: "lazy-files",
  setup(b) {
    for (const { filter, file } of separate) {
      b.onResolve({ filter }, (args) => {
        if (args.kind !== "dynamic-import" && file !== "prompts.cjs") return undefined;
        const target = file ?? `${basename(args.path, ".js")}.cjs`;
        return target === self ? undefined : { path: `./${target}`, external: true };
      });
    }
  },
});

// import() of another file becomes require(): CommonJS loads without the ESM loader.
const cjs = {
  ...common,
  format: "cjs",
  minify: true,
  supported: { "dynamic-import": false },
  define: { __BATCH_WORKER__: '"batch-worker.cjs"' },
};
const files = {
  "cli.cjs": "src/cli/main.ts",
  "sign.cjs": "src/cli/commands/sign.ts",
  "decode.cjs": "src/cli/commands/decode.ts",
  "verify.cjs": "src/cli/commands/verify.ts",
  "config.cjs": "src/cli/commands/config.ts",
  "batch.cjs": "src/cli/commands/batch.ts",
  "batch-worker.cjs": "src/cli/batch-worker.ts",
};
await Promise.all(
  Object.entries(files).map(([out, entry]) =>
    build({
      ...cjs,
      entryPoints: [entry],
      outfile: `dist/${out}`,
      plugins: [lazyFiles(out)],
      ...(out === "cli.cjs" ? { banner: { js: "#!/usr/bin/env node" } } : {}),
    }),
  ),
);
await build({ ...cjs, entryPoints: ["src/cli/prompts-bundle.ts"], outfile: "dist/prompts.cjs" });

chmodSync("dist/cli.cjs", 0o755);

await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", format: "esm" });
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.cjs", format: "cjs" });

execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
// CommonJS consumers get the same declarations, seen through a CommonJS entry.
writeFileSync("dist/types/index.d.cts", 'export * from "./index.js";\n');
