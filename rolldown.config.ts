// `npm run build` (rolldown -c, then tsc for the library's declarations) writes dist/:
// - cli.cjs, the command line, with our code in one shared file beside it; what only some
//   runs need (batch mode, the prompts, the servers, dotenv, open) is imported on demand,
//   each from a file of its own, and each module is in one file only;
// - batch-worker.cjs and callback-worker.cjs, the worker threads of batch mode and of
//   `callback listen`, each built on its own (below); bcrypt-worker.cjs, serve's;
//   inspect/, the inspect page;
// - index.js and index.cjs, the library; THIRD_PARTY_LICENSES.txt for what is bundled.
// BUILD_DEBUG=1 leaves the files unminified, for reading a CPU profile.
import { readdirSync, readFileSync } from "node:fs";
import { Features, transform as transformCss } from "lightningcss";
import { defineConfig, type Plugin } from "rolldown";

const minify = process.env.BUILD_DEBUG !== "1";
/**
 * Outside the shared file: the entries, batch mode, the prompts' module (inquirer), and the
 * work of the commands that are not about one ticket (config, serve, inspect, request,
 * callback) with what only they use: each is loaded when its command runs. Callback's HTTP
 * client alone (node:http, node:https) would cost every command's start-up as much as the
 * rest of our code.
 */
export const lazy =
  /[\\/](main\.ts|batch[\\/]|prompts-bundle\.ts|commands[\\/](request|callback|config|inspect|serve)[\\/](run|analyze|check|queue)\.ts|core[\\/]request[\\/](?!callbacks)|views[\\/]request-verdict)/;
const asset = (fileName: string, path: string) => ({ type: "asset" as const, fileName, source: readFileSync(path) });
/** The page's browsers, as for its script below (lightningcss: major version << 16). */
const pageTargets = { chrome: 120 << 16, firefox: 120 << 16, safari: 17 << 16 };
/**
 * The page's stylesheet, minified by lightningcss (rolldown bundles no CSS). The page uses
 * no light-dark(), so it needs no stand-in for it where that is missing (Safari 17.0-17.4).
 */
const stylesheet = (fileName: string, path: string) => {
  const code = readFileSync(path);
  if (!minify) return asset(fileName, path);
  const css = transformCss({
    filename: path,
    code,
    minify: true,
    targets: pageTargets,
    exclude: Features.LightDark,
  }).code;
  return { type: "asset" as const, fileName, source: css };
};

/** Our own code that every command runs: one file (see `codeSplitting` below). */
export const appGroup = {
  name: "app",
  test: (id: string) => /[\\/]src[\\/](core|cli)[\\/]/.test(id) && !lazy.test(id),
};

/**
 * Start-up: chalk asks node:tty only whether a descriptor is a terminal and commander needs
 * node:child_process only for executable subcommands (none here); both modules load Node's
 * network stack, so they get stand-ins (scripts/shims/) that load them on first use. And
 * chalk itself loads when something is first painted.
 */
export const startup: Plugin = {
  name: "startup",
  resolveId(source, importer) {
    const shim = { "node:tty": "tty.cjs", "node:child_process": "child-process.cjs" }[source];
    if (shim && /node_modules[\\/](chalk|commander)[\\/]/.test(importer ?? ""))
      return `${import.meta.dirname}/scripts/shims/${shim}`;
  },
  load(id) {
    if (/terminal[\\/]chalk-module\.ts$/.test(id)) {
      return 'let chalk; export function chalkModule() { return (chalk ??= require("chalk")); }';
    }
  },
};

/** The folders under node_modules of the packages that these modules come from. */
export function packageDirs(moduleIds: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const id of moduleIds) {
    const m = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id);
    if (m?.[1]) dirs.add(m[1]);
  }
  return dirs;
}

/** Each package's name, version, licence and licence text, in the order of `dirs`. */
export function licenceNotices(dirs: Iterable<string>): string[] {
  return [...dirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
    const file = readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(`${dir}/${file}`, "utf8").trim() : "(no licence file in the package)";
    return `${pkg.name}@${pkg.version} (${pkg.license ?? "unknown"})\n\n${text}`;
  });
}

/** Between two notices in a licences file. */
export const NOTICE_RULE = `\n\n${"-".repeat(72)}\n\n`;

/** The licences of the packages bundled into the command line travel with it. */
const licences: Plugin = {
  name: "licences",
  generateBundle(_, bundle) {
    const ids = Object.values(bundle).flatMap((chunk) => (chunk.type === "chunk" ? chunk.moduleIds : []));
    const notices = licenceNotices([...packageDirs(ids)].sort());
    const source = `sinch-ticket bundles the following packages into dist/.\n\n${notices.join(NOTICE_RULE)}\n`;
    this.emitFile({ type: "asset", fileName: "THIRD_PARTY_LICENSES.txt", source });
  },
};

export default defineConfig([
  {
    input: {
      cli: "src/cli/main.ts",
      "bcrypt-worker": "src/server/bcrypt-worker.ts",
    },
    platform: "node",
    // Native, optional, and loaded only for a profile whose secret is in the keychain.
    external: ["@napi-rs/keyring"],
    transform: {
      target: "node20.12",
      define: {
        __BATCH_WORKER__: '"batch-worker.cjs"',
        __CALLBACK_WORKER__: '"callback-worker.cjs"',
        __BCRYPT_WORKER__: '"bcrypt-worker.cjs"',
      },
    },
    plugins: [startup, licences],
    // CommonJS: the quickest to start; import() of a file of ours becomes require().
    output: {
      dir: "dist",
      format: "cjs",
      entryFileNames: "[name].cjs",
      chunkFileNames: "[name]-[hash].cjs",
      minify,
      comments: { legal: false },
      dynamicImportInCjs: false,
      cleanDir: true,
      // Our own code and what it imports statically in one file: start-up pays per file
      // more than per line, and batch mode's Node built-ins cost as much as the rest.
      codeSplitting: { groups: [appGroup] },
    },
  },
  // A worker thread shares no module with the main thread: it loads its own copy of
  // whatever it requires. Built from the shared file it would load commander, chalk and
  // every command to run one job; on its own each holds only the core it runs (about
  // 5 MiB less peak memory per `sign --batch` run, see docs/benchmarks.md).
  ...Object.entries({
    "batch-worker": "src/cli/batch/worker.ts",
    "callback-worker": "src/cli/commands/callback/worker.ts",
  }).map(([name, path]) => ({
    input: { [name]: path },
    platform: "node" as const,
    transform: { target: "node20.12" },
    output: { dir: "dist", format: "cjs" as const, entryFileNames: "[name].cjs", minify, comments: { legal: false } },
  })),
  {
    input: "src/inspect-page/app.ts",
    platform: "browser",
    transform: { target: ["chrome120", "firefox120", "safari17"] },
    plugins: [
      {
        name: "page",
        buildStart() {
          this.emitFile(asset("index.html", "src/inspect-page/index.html"));
          this.emitFile(stylesheet("app.css", "src/inspect-page/app.css"));
        },
      },
    ],
    output: { dir: "dist/inspect", format: "iife", entryFileNames: "app.js", minify, comments: { legal: false } },
  },
  {
    input: "src/index.ts",
    platform: "node",
    transform: { target: "node20.12" },
    // tsc writes the declarations to dist/types/; CommonJS consumers see them through this.
    plugins: [
      {
        name: "cts",
        buildStart() {
          this.emitFile({ type: "asset", fileName: "types/index.d.cts", source: 'export * from "./index.js";\n' });
        },
      },
    ],
    output: [
      { file: "dist/index.js", format: "esm" },
      { file: "dist/index.cjs", format: "cjs" },
    ],
  },
]);
