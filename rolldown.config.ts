// `npm run build` (rolldown -c, then tsc for the library's declarations) writes dist/:
// - cli.cjs, the command line: all of its start-up code, in one file that runs nothing when
//   loaded (bin/sinch-ticket.cjs calls its main()); what only some runs need (most
//   commands' work, batch mode, the prompts, the servers, dotenv, open) is imported on
//   demand, from files of its own, and each module is in one file only;
// - batch-worker.cjs, callback-worker.cjs and bcrypt-worker.cjs, the worker threads of
//   batch mode, of `callback listen` and of serve, each built on its own (below);
//   inspect/, the inspect page;
// - index.js and index.cjs, the library; THIRD_PARTY_LICENSES.txt for what is bundled.
// BUILD_DEBUG=1 leaves the files unminified, for reading a CPU profile.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve, sep } from "node:path";
import { Features, transform as transformCss } from "lightningcss";
import { type ChunkingContext, defineConfig, type Plugin } from "rolldown";
import { COMMANDS } from "./src/cli/program.js";

const minify = process.env.BUILD_DEBUG !== "1";
/**
 * What goes in the start-up file (cli.cjs, the entry itself) is read from the module graph
 * and the command registry (`COMMANDS` in src/cli/program.ts), not from a list of file names:
 * - the program: src/cli/main.ts and what it imports, statically or with import(), except
 *   the work of a command;
 * - a command's work, what its definition (src/cli/commands/<name>/command.ts) loads with
 *   import(), only when the registry marks the command `startup` (the one-ticket commands
 *   nearly every run is, and `request`, whose verify pastes one request: five files more
 *   cost it more than the lines cost the others);
 * each with what it imports statically. Every other command's work, and what any work loads
 * with import() (batch mode, the prompts' inquirer, the servers), is left to rolldown's
 * splitting: files of their own, loaded when used. A new command is split out with no
 * change here (test/structure/chunks.test.ts builds one). Callback's HTTP client alone
 * (node:http, node:https) would cost every command's start-up as much as our own code.
 */
const ENTRY = resolve(import.meta.dirname, "src/cli/main.ts");
const ours = (id: string) => /[\\/]src[\\/](core|cli)[\\/]/.test(id);
/** The command a definition module defines, by its folder: `sign` for src/cli/commands/sign/command.ts. */
const definedCommand = (id: string) => /[\\/]src[\\/]cli[\\/]commands[\\/]([^\\/]+)[\\/]command\.ts$/.exec(id)?.[1];
const startupModules = new WeakMap<object, Set<string>>();
function startupSet(ctx: ChunkingContext): Set<string> {
  const known = startupModules.get(ctx);
  if (known) return known;
  const info = (id: string) => ctx.getModuleInfo(id);
  const registry = new Map(COMMANDS.map((c) => [c.name, c]));
  const lazyWork = new Set<string>();
  const eagerWork = new Set<string>();
  const defined = new Set<string>();
  const seen = new Set<string>();
  for (const pending = [ENTRY]; pending.length > 0; ) {
    const id = pending.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(info(id)?.importedIds ?? []), ...(info(id)?.dynamicallyImportedIds ?? []));
    const name = definedCommand(id);
    if (name === undefined) continue;
    defined.add(name);
    for (const work of info(id)?.dynamicallyImportedIds ?? []) {
      (registry.get(name)?.startup ? eagerWork : lazyWork).add(work);
    }
  }
  for (const name of registry.keys()) {
    if (!defined.has(name)) throw new Error(`command '${name}' has no src/cli/commands/${name}/command.ts`);
  }
  // The program follows import() too, but not into a command's work; work follows static imports.
  const found = new Set<string>();
  const visit = (roots: Iterable<string>, followDynamic: boolean) => {
    for (const pending = [...roots]; pending.length > 0; ) {
      const id = pending.pop() as string;
      if (found.has(id) || !ours(id)) continue;
      found.add(id);
      pending.push(...(info(id)?.importedIds ?? []));
      if (!followDynamic) continue;
      for (const next of info(id)?.dynamicallyImportedIds ?? []) {
        if (!lazyWork.has(next) && !eagerWork.has(next)) pending.push(next);
      }
    }
  };
  visit([ENTRY], true);
  visit(eagerWork, false);
  startupModules.set(ctx, found);
  return found;
}
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

/**
 * Our own code that every command runs: one file (see `codeSplitting` below). The entry is
 * in it, so rolldown writes it as the entry's own file (cli.cjs), not beside it.
 */
export const appGroup = {
  name: (id: string, ctx: ChunkingContext) => (startupSet(ctx).has(id) ? "app" : null),
};

/**
 * Start-up: chalk asks node:tty only whether a descriptor is a terminal and commander needs
 * node:child_process only for executable subcommands (none here); both modules load Node's
 * network stack, so they get stand-ins (scripts/shims/) that load them on first use. And
 * chalk itself loads when something is first painted. chalk's default import of
 * node:process would copy every property of the module when the file loads (CommonJS
 * interop), whether or not chalk ever runs: it gets an ES module that exports what it uses.
 * node:os, which start-up asks at most for the home folder (and chalk, on Windows, for the
 * release), costs Node 20 about half a millisecond to load: our code and chalk get a module
 * that loads it on the first call of any of its functions.
 */
const LAZY_OS = "\0lazy:node:os";
/** This project's own sources. */
const SRC = resolve(import.meta.dirname, "src") + sep;

/**
 * A Node built-in module loaded on first use: each of its functions, and as the default
 * export an object whose properties are read from the module once it is loaded.
 */
function lazyBuiltin(name: string): string {
  const module = createRequire(import.meta.url)(name) as Record<string, unknown>;
  const functions = Object.keys(module).filter((key) => /^[A-Za-z]\w*$/.test(key) && typeof module[key] === "function");
  return [
    `let loaded; const builtin = () => (loaded ??= require(${JSON.stringify(name)}));`,
    ...functions.map((key) => `export function ${key}(...args) { return builtin().${key}(...args); }`),
    "export default new Proxy({}, { get: (_, key) => builtin()[key] });",
  ].join("\n");
}

export const startup: Plugin = {
  name: "startup",
  resolveId(source, importer) {
    const shim = {
      "node:tty": "tty.cjs",
      "node:child_process": "child-process.cjs",
      "node:process": "process.mjs",
    }[source];
    // chalk imports (ES modules) only; commander requires node:process as it is.
    const chalk = /node_modules[\\/]chalk[\\/]/.test(importer ?? "");
    if (source === "node:os" && (importer?.startsWith(SRC) || chalk)) return LAZY_OS;
    if (shim && (chalk || (shim.endsWith(".cjs") && /node_modules[\\/]commander[\\/]/.test(importer ?? ""))))
      return `${import.meta.dirname}/scripts/shims/${shim}`;
  },
  load(id) {
    if (id === LAZY_OS) return lazyBuiltin("node:os");
    if (/terminal[\\/]chalk-module\.ts$/.test(id)) {
      return 'let chalk; export function chalkModule() { return (chalk ??= require("chalk")); }';
    }
  },
};

/**
 * rolldown keeps its runtime helpers (CommonJS interop, lazy module set-up) in a file of
 * their own that every file of ours requires: one file more for start-up to resolve, read
 * and compile. The entry gets a copy of its own instead (a few stateless functions, 1 KB);
 * the files loaded later still share the runtime file.
 */
export const runtimeInEntry: Plugin = {
  name: "runtime-in-entry",
  generateBundle(_, bundle) {
    const runtime = Object.values(bundle).find((c) => c.type === "chunk" && c.name === "rolldown-runtime");
    if (runtime?.type !== "chunk") return;
    if (runtime.map) throw new Error("runtime-in-entry moves code and cannot update source maps");
    const required = `require(${JSON.stringify(`./${runtime.fileName}`)})`;
    const copy = `(function(exports){${runtime.code.trim()}\nreturn exports})({})`;
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== "chunk" || !chunk.isEntry || !chunk.imports.includes(runtime.fileName)) continue;
      if (chunk.code.split(required).length !== 2) {
        throw new Error(`${chunk.fileName} does not require ${runtime.fileName} once, as expected`);
      }
      chunk.code = chunk.code.replace(required, () => copy);
      chunk.imports = chunk.imports.filter((name) => name !== runtime.fileName);
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
    input: { cli: "src/cli/main.ts" },
    // cli.cjs exports main() and, for the files loaded later, the code they share with it.
    preserveEntrySignatures: "allow-extension",
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
    plugins: [startup, runtimeInEntry, licences],
    // CommonJS: the quickest to start; import() of a file of ours becomes require().
    output: {
      dir: "dist",
      format: "cjs",
      entryFileNames: "[name].cjs",
      chunkFileNames: "[name]-[hash].cjs",
      minify,
      comments: { legal: false },
      // Pure ASCII: Node reads and V8 keeps the source as one byte per character (a single
      // "✓" in a file makes all of it two bytes per character), which start-up pays for.
      charset: "ascii",
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
  // serve's bcrypt-worker.cjs too: built with the command line, it would share rolldown's
  // runtime file with it. compile-cache.cjs, loaded by bin/sinch-ticket.cjs on Node 20
  // only, before anything else, stands alone for the same reason.
  ...Object.entries({
    "batch-worker": "src/cli/batch/worker.ts",
    "callback-worker": "src/cli/commands/callback/worker.ts",
    "bcrypt-worker": "src/server/bcrypt-worker.ts",
    "compile-cache": "src/cli/compile-cache.ts",
  }).map(([name, path]) => ({
    input: { [name]: path },
    platform: "node" as const,
    transform: { target: "node20.12" },
    output: {
      dir: "dist",
      format: "cjs" as const,
      entryFileNames: "[name].cjs",
      minify,
      comments: { legal: false },
      charset: "ascii" as const,
    },
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
