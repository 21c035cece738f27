// Builds dist/:
// - cli.cjs: the command line (CommonJS: the quickest to start) with every command's
//   definition and help; it turns on Node's compile cache (Node 22+) for what loads next;
// - one file per command's code (sign.cjs, decode.cjs, verify.cjs, config.cjs,
//   complete.cjs) and batch.cjs, loaded only when used, so a run compiles only the code
//   it needs;
// - prompts.cjs: inquirer, loaded only when a command asks something;
// - batch-worker.cjs: the worker thread that shares long batch runs with the main thread;
// - index.js, index.cjs and types/: the library (ESM and CommonJS) and its declarations;
// - THIRD_PARTY_LICENSES.txt: the licences of the packages bundled into the files above.
// BUILD_DEBUG=1 leaves the bundles unminified, for reading a CPU profile.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20.12",
  legalComments: "none",
  logLevel: "warning",
};

/** Each file in dist/ and its entry; a dynamic import() of an entry loads that file. */
const files = {
  "cli.cjs": "src/cli/main.ts",
  "sign.cjs": "src/cli/commands/sign/run.ts",
  "decode.cjs": "src/cli/commands/decode/run.ts",
  "verify.cjs": "src/cli/commands/verify/run.ts",
  "config.cjs": "src/cli/commands/config/run.ts",
  "complete.cjs": "src/cli/commands/completion/complete.ts",
  "serve.cjs": "src/cli/commands/serve/run.ts",
  "inspect.cjs": "src/cli/commands/inspect/run.ts",
  "request.cjs": "src/cli/commands/request/run.ts",
  "callback.cjs": "src/cli/commands/callback/run.ts",
  "server.cjs": "src/server/index.ts",
  "bcrypt-worker.cjs": "src/server/bcrypt-worker.ts",
  "batch.cjs": "src/cli/batch/run.ts",
  "batch-worker.cjs": "src/cli/batch/worker.ts",
  "prompts.cjs": "src/cli/terminal/prompts-bundle.ts",
};
const fileOf = new Map(Object.entries(files).map(([out, entry]) => [resolve(entry), out]));

/** Turns import() of another entry into require() of its file, instead of bundling it. */
const lazyFiles = (self) => ({
  name: "lazy-files",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const target = fileOf.get(resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts"));
      if (!target) throw new Error(`${args.path} is imported on demand but has no file of its own in dist/`);
      return target === self ? undefined : { path: `./${target}`, external: true };
    });
  },
});

/**
 * Start-up: chalk asks node:tty only whether a descriptor is a terminal, and commander
 * needs node:child_process only for executable subcommands; both modules load Node's
 * network stack. Shims answer the same, loading the real module only when needed. And
 * chalk is loaded when something is first painted.
 */
const startupShims = {
  name: "startup-shims",
  setup(b) {
    b.onLoad({ filter: /terminal[\\/]chalk-module\.ts$/ }, (args) => ({
      contents: 'let chalk; export function chalkModule() { return (chalk ??= require("chalk")); }',
      loader: "ts",
      resolveDir: dirname(args.path),
    }));
    const shims = { "node:tty": "tty.cjs", "node:child_process": "child-process.cjs" };
    b.onResolve({ filter: /^node:(tty|child_process)$/ }, (args) =>
      /node_modules[\\/](chalk|commander)[\\/]/.test(args.importer)
        ? { path: resolve("scripts/shims", shims[args.path]) }
        : undefined,
    );
  },
};

// import() of another file becomes require(): CommonJS loads without the ESM loader.
const cjs = {
  ...common,
  format: "cjs",
  minify: process.env.BUILD_DEBUG !== "1",
  supported: { "dynamic-import": false },
  // Native, optional, and loaded only for a profile whose secret is in the keychain.
  external: ["@napi-rs/keyring"],
  define: { __BATCH_WORKER__: '"batch-worker.cjs"', __BCRYPT_WORKER__: '"bcrypt-worker.cjs"' },
  metafile: true,
};

/** node_modules packages whose code ended up in a bundle, from esbuild's metafile. */
const bundled = new Set();
function collect(result) {
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) bundled.add(input.slice(0, m.index) + "node_modules/" + m[1]);
  }
  return result;
}
await Promise.all(
  Object.entries(files).map(async ([out, entry]) =>
    collect(
      await build({
        ...cjs,
        entryPoints: [entry],
        outfile: `dist/${out}`,
        plugins: [lazyFiles(out), startupShims],
        // `--` ends Node's own options: Node 20 to 24 read `--env-file` anywhere on the
        // command line, even after the script, and exit before the tool can say a word.
        ...(out === "cli.cjs" ? { banner: { js: "#!/usr/bin/env -S node --" } } : {}),
      }),
    ),
  ),
);

// The inspect page: one small script and one style sheet for the browser, and the HTML.
mkdirSync("dist/inspect", { recursive: true });
await build({
  entryPoints: ["src/inspect-page/app.ts"],
  outfile: "dist/inspect/app.js",
  bundle: true,
  platform: "browser",
  format: "iife",
  target: ["chrome120", "firefox120", "safari17"],
  minify: process.env.BUILD_DEBUG !== "1",
  legalComments: "none",
  logLevel: "warning",
});
await build({
  entryPoints: ["src/inspect-page/app.css"],
  outfile: "dist/inspect/app.css",
  bundle: true,
  minify: process.env.BUILD_DEBUG !== "1",
  logLevel: "warning",
});
copyFileSync("src/inspect-page/index.html", "dist/inspect/index.html");

// Licences of everything bundled travel with it.
const notices = [...bundled].sort().map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
  const text = file
    ? readFileSync(join(dir, file), "utf8").trim()
    : `License: ${pkg.license ?? "unknown"} (no licence file in the package)`;
  return `${pkg.name}@${pkg.version} (${pkg.license ?? "unknown"})\n\n${text}`;
});
writeFileSync(
  "dist/THIRD_PARTY_LICENSES.txt",
  `sinch-ticket bundles the following packages into dist/.\n\n${notices.join(`\n\n${"-".repeat(72)}\n\n`)}\n`,
);
if (!existsSync("dist/THIRD_PARTY_LICENSES.txt")) throw new Error("licence notices were not written");

chmodSync("dist/cli.cjs", 0o755);

await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", format: "esm" });
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.cjs", format: "cjs" });

execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
// CommonJS consumers get the same declarations, seen through a CommonJS entry.
writeFileSync("dist/types/index.d.cts", 'export * from "./index.js";\n');
