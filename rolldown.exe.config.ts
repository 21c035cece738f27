// The standalone executable's code (scripts/build-exe.mjs runs this after `npm run build`,
// whose dist/inspect/ it takes), built apart from the npm build, which it does not touch.
// Node runs a single executable application's one script with a require() that loads only
// Node's built-in modules: nothing may come from disk. The command line is split as in the
// npm build (the code every command runs, and parts that only some commands load), each
// part an asset; the main script holds a require() for the parts (scripts/exe/parts.cjs)
// that compiles them with the compile cache of src/cli/compile-cache.ts, bundled into the
// main script, and requires the entry. The worker scripts are built on their own as in
// the npm build and carried as assets, like the page, the keychain's native addon and the
// licences. Writes dist/exe/build/: main.cjs, the parts, the workers, LICENSES.txt and
// sea-config.json (what Node packs into the executable).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { build, defineConfig, type Plugin } from "rolldown";
import { appGroup, licenceNotices, NOTICE_RULE, packageDirs, runtimeInEntry, startup } from "./rolldown.config.ts";

const root = import.meta.dirname;
const out = "dist/exe/build";
const minify = process.env.BUILD_DEBUG !== "1";
const target = "node20.12";

const workers = {
  "batch-worker.cjs": "src/cli/batch/worker.ts",
  "callback-worker.cjs": "src/cli/commands/callback/worker.ts",
  "bcrypt-worker.cjs": "src/server/bcrypt-worker.ts",
};

/** Node's own licence, for the Node this build runs on (the one the executable carries). */
function nodeLicence(): string {
  const prefix = dirname(dirname(process.execPath));
  // Node's own archives (LICENSE at the top, share/doc/node/ once installed), and Linux
  // distributions' packages (/usr/bin/node with /usr/share/doc/nodejs/).
  const candidates = [
    join(prefix, "LICENSE"),
    join(prefix, "share", "doc", "node", "LICENSE"),
    join(prefix, "share", "doc", "nodejs", "LICENSE"),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `Node's licence (LICENSE) was not found in ${prefix} (nor in share/doc/ there): the executable must carry it; build with a Node installed from nodejs.org or a distribution's package`,
    );
  }
  return readFileSync(found, "utf8").trim();
}

/**
 * The keychain's native addon for this platform (@napi-rs/keyring's package for it, an
 * optional dependency installed for the build machine only), or null without one.
 */
function keyringAddon(): { file: string; dir: string } | null {
  const scope = join(root, "node_modules", "@napi-rs");
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
    ?.glibcVersionRuntime;
  const libc = process.platform === "linux" ? (glibc ? "-gnu" : "-musl") : "";
  const names = [`keyring-${process.platform}-${process.arch}${libc}`, `keyring-${process.platform}-${process.arch}`];
  for (const name of names) {
    const dir = join(scope, name);
    const file = existsSync(dir) && readdirSync(dir).find((f) => f.endsWith(".node"));
    if (file) return { file: join(dir, file), dir };
  }
  return null;
}

/** Where the command line's code meets the executable: the worker scripts and the keychain. */
const executable: Plugin = {
  name: "executable",
  resolveId(source, importer) {
    if (source === "@napi-rs/keyring") return resolve(root, "scripts/exe/keyring.cjs");
    if (source === "node:worker_threads" && /[\\/]src[\\/]/.test(importer ?? "")) {
      return resolve(root, "scripts/exe/worker-threads.cjs");
    }
  },
};

/**
 * Builds the worker scripts, then, once the command line is bundled, checks that it needs
 * nothing but Node's built-in modules and writes its licences and the SEA configuration.
 */
function assets(): Plugin {
  const ids: string[] = [];
  let compileCache = "";
  return {
    name: "assets",
    async buildStart() {
      const cache = await build({
        input: "src/cli/compile-cache.ts",
        platform: "node",
        transform: { target },
        write: false,
        output: { format: "cjs", minify, comments: { legal: false }, charset: "ascii", codeSplitting: false },
      });
      compileCache = cache.output[0].code;
      for (const [fileName, input] of Object.entries(workers)) {
        const { output } = await build({
          input,
          platform: "node",
          transform: { target },
          write: true,
          output: {
            file: join(out, fileName),
            format: "cjs",
            minify,
            comments: { legal: false },
            charset: "ascii",
            codeSplitting: false,
          },
        });
        for (const chunk of output) if (chunk.type === "chunk") ids.push(...chunk.moduleIds);
      }
    },
    generateBundle(_, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === "chunk");
      const names = new Set(chunks.map((c) => c.fileName));
      for (const chunk of chunks) {
        const outside = [...chunk.imports, ...chunk.dynamicImports].filter((n) => !names.has(n) && !isBuiltin(n));
        if (outside.length > 0) throw new Error(`the executable's code would load ${outside.join(", ")} from disk`);
        ids.push(...chunk.moduleIds);
      }
      // The main script: parts.cjs, the compile cache's module (run as a module of its
      // own), then the entry, required as a part (every part, the entry too, is an asset),
      // and its main().
      const entry = chunks.find((c) => c.isEntry)!;
      const main = [
        readFileSync(resolve(root, "scripts/exe/parts.cjs"), "utf8"),
        "const compileCache = { exports: {} };",
        `(function (exports, require, module) {\n${compileCache}\n})(compileCache.exports, builtinRequire, compileCache);`,
        "openExeCache(compileCache.exports);",
        `partRequire(${JSON.stringify(`./${entry.fileName}`)}).main();`,
      ].join("\n");
      this.emitFile({ type: "asset", fileName: "main.cjs", source: main });
      const partNames = [...names];

      const addon = keyringAddon();
      const dirs = [...packageDirs(ids)].sort();
      if (addon) dirs.push(join(root, "node_modules", "@napi-rs", "keyring"), addon.dir);
      const notices = [`Node.js ${process.version} (MIT and others)\n\n${nodeLicence()}`, ...licenceNotices(dirs)];
      // The addon's own licence file names the Rust crates compiled into it.
      const crates = addon && join(addon.dir, "LICENSE.third-party.md");
      if (crates && existsSync(crates)) notices.push(readFileSync(crates, "utf8").trim());
      const source = `The sinch-ticket executable carries Node.js and the following packages.\n\n${notices.join(NOTICE_RULE)}\n`;
      this.emitFile({ type: "asset", fileName: "LICENSES.txt", source });

      const page = (name: string) => [`inspect/${name}`, resolve(root, "dist", "inspect", name)];
      const seaConfig = {
        main: resolve(root, out, "main.cjs"),
        output: resolve(root, out, "sea-prep.blob"),
        disableExperimentalSEAWarning: true,
        useCodeCache: true,
        assets: Object.fromEntries([
          ...[...Object.keys(workers), ...partNames].map((name) => [name, resolve(root, out, name)]),
          page("index.html"),
          page("app.js"),
          page("app.css"),
          ["LICENSES.txt", resolve(root, out, "LICENSES.txt")],
          ...(addon ? [["keyring.node", addon.file]] : []),
        ]),
      };
      this.emitFile({ type: "asset", fileName: "sea-config.json", source: `${JSON.stringify(seaConfig, null, 2)}\n` });
    },
  };
}

export default defineConfig({
  input: { "sinch-ticket": "src/cli/main.ts" },
  // As in the npm build: the entry holds the start-up code and exports main().
  preserveEntrySignatures: "allow-extension",
  platform: "node",
  transform: {
    target,
    define: {
      __EXE__: "true",
      __BATCH_WORKER__: '"batch-worker.cjs"',
      __CALLBACK_WORKER__: '"callback-worker.cjs"',
      __BCRYPT_WORKER__: '"bcrypt-worker.cjs"',
    },
  },
  plugins: [startup, executable, runtimeInEntry, assets()],
  output: {
    dir: out,
    format: "cjs",
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
    minify,
    comments: { legal: false },
    charset: "ascii",
    dynamicImportInCjs: false,
    codeSplitting: { groups: [appGroup] },
  },
});
