/**
 * A compile cache for Node versions that have none (Node 20): V8's compiled code of the
 * command line's own files, kept between runs in the user's cache folder. Node 22.3 and
 * later do this themselves (`module.enableCompileCache()`, which bin/sinch-ticket.cjs turns
 * on where it exists) and never load this file.
 *
 * The standalone executable uses the same cache for the parts it carries (scripts/exe/
 * parts.cjs), keyed by the executable's own size and modification time.
 *
 * Why not compile-time code caches (as the `v8-compile-cache` package makes): a cache made
 * right after compiling holds only the top level, and start-up is mostly functions compiled
 * on first call. This one is made at exit, after the run, so it holds every function the
 * run compiled (as Node's own cache does); measured in docs/benchmarks.md.
 *
 * Safety: V8 checks a cache against its own version, its flags and the source's length
 * only, so a cache is trusted only from a folder the user owns that nobody else can write
 * (created 0700), and each entry is named by the file's name, size and modification time.
 * A cache V8 rejects is made again; anything that fails (a read-only home, a full disk) is
 * the same as no cache. `NODE_DISABLE_COMPILE_CACHE` turns it off, as it does Node's;
 * `NODE_COMPILE_CACHE` names the folder, as it does Node's.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join, sep } from "node:path";
import { Script } from "node:vm";

type Compile = (this: Module, content: string, filename: string) => unknown;
type Lookup = (name: string) => string | undefined;

/** The user's cache folder for this tool and this Node, as each platform keeps caches. */
export function compileCacheDir(lookup: Lookup, home: string, distDir: string): string {
  const root =
    lookup("NODE_COMPILE_CACHE") ||
    (process.platform === "win32"
      ? join(lookup("LOCALAPPDATA") || join(home, "AppData", "Local"), "sinch-ticket", "Cache")
      : process.platform === "darwin"
        ? join(home, "Library", "Caches", "sinch-ticket")
        : join(lookup("XDG_CACHE_HOME") || join(home, ".cache"), "sinch-ticket"));
  // One folder per Node version and per installed copy (two checkouts never share entries).
  return join(root, `node-${process.version}-${process.arch}`, tag(distDir));
}

/** A short, stable name for a path (FNV-1a): which copy of the tool a folder caches. */
function tag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Whether a cache folder may be read: it is the user's own and nobody else can write to it. */
function trusted(dir: string): boolean | "absent" {
  try {
    const s = statSync(dir);
    if (process.platform === "win32") return s.isDirectory();
    return s.isDirectory() && s.uid === process.getuid?.() && (s.mode & 0o022) === 0;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : false;
  }
}

/** The entry of one file: its name, size and modification time; null if it cannot be read. */
function entryName(filename: string): string | null {
  try {
    const s = statSync(filename);
    return `${basename(filename)}.${s.size}.${Math.trunc(s.mtimeMs)}.v8`;
  } catch {
    return null;
  }
}

/**
 * The command a run is for (its first word: `sign`, `request`), or "-" for none. A cache is
 * made at the exit of the first run of each command, so that it holds the code of every
 * command that has run, not only of the first one.
 */
function commandWord(argv: readonly string[]): string {
  const word = argv[2] ?? "";
  return /^[a-z][a-z-]{0,30}$/.test(word) ? word : "-";
}

/** The commands whose code the entries hold: the file `commands` in the cache folder. */
const INDEX = "commands";
/** Enough for every command of the tool; a folder never holds a longer list. */
const MAX_COMMANDS = 64;

/** A CommonJS module's code as Node wraps it: (exports, require, module, __filename, __dirname). */
export type ModuleFunction = (...args: unknown[]) => unknown;

export interface CodeCache {
  /** Compiles a module's source with the cached code of `entry` when there is some. */
  compile(filename: string, content: string, entry: string): ModuleFunction;
}

interface Loaded {
  script: Script;
  entry: string;
  /** Compiled without cached code (none, or V8 rejected it). */
  made: boolean;
}

/**
 * The cache in `cacheDir`, or null when it is off or the folder cannot be trusted. At exit
 * it writes the code of the modules that had none, or of every module this run compiled
 * when its command had not run since the entries were made; entries `current` says no to
 * (of files changed or gone) are dropped then.
 */
export function openCodeCache(
  cacheDir: string,
  current: (entry: string) => boolean,
  lookup: Lookup = (name) => process.env[name],
  argv: readonly string[] = process.argv,
): CodeCache | null {
  if (lookup("NODE_DISABLE_COMPILE_CACHE")) return null;
  const state = trusted(cacheDir);
  if (state === false) return null;
  const word = commandWord(argv);
  let commands: string[] = [];
  if (state === true) {
    try {
      commands = readFileSync(join(cacheDir, INDEX), "latin1").split("\n").filter(Boolean);
    } catch {
      commands = [];
    }
  }
  const newCommand = !commands.includes(word) && commands.length < MAX_COMMANDS;
  const loaded: Loaded[] = [];
  process.once("exit", () => {
    const writing = newCommand ? loaded : loaded.filter((l) => l.made);
    if (writing.length === 0) return;
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      for (const { script, entry } of writing) writeWhole(cacheDir, entry, script.createCachedData());
      const written = new Set(writing.map((l) => l.entry));
      for (const name of readdirSync(cacheDir)) {
        if (name.endsWith(".v8") && !written.has(name) && !current(name)) unlinkSync(join(cacheDir, name));
      }
      if (newCommand) writeWhole(cacheDir, INDEX, [...commands, word, ""].join("\n"));
    } catch {
      // No cache this time (a read-only home, a full disk): the next run compiles again.
    }
  });
  return {
    compile(filename, content, entry) {
      let cachedData: Buffer | undefined;
      try {
        if (state === true) cachedData = readFileSync(join(cacheDir, entry));
      } catch {
        cachedData = undefined;
      }
      const script = new Script(Module.wrap(content), { filename, cachedData });
      loaded.push({ script, entry, made: cachedData === undefined || script.cachedDataRejected === true });
      return script.runInThisContext() as ModuleFunction;
    },
  };
}

/** Writes a file whole: a temporary file renamed, so a parallel run reads all of it or nothing. */
function writeWhole(cacheDir: string, name: string, data: string | Uint8Array): void {
  const temporary = join(cacheDir, `${name}.${process.pid}.tmp`);
  writeFileSync(temporary, data, { mode: 0o600 });
  renameSync(temporary, join(cacheDir, name));
}

/**
 * Compiles the files under `distDir` through the cache in the user's cache folder (an
 * entry per file: its name, size and modification time). Returns false when the cache is
 * off or its folder cannot be trusted (files then load as they always do).
 */
export function enableCompileCache(
  distDir: string,
  lookup: Lookup = (name) => process.env[name],
  cacheDir = compileCacheDir(lookup, homedir(), distDir),
  argv: readonly string[] = process.argv,
): boolean {
  const current = (entry: string) => entryName(join(distDir, entry.replace(/\.\d+\.\d+\.v8$/, ""))) === entry;
  const cache = openCodeCache(cacheDir, current, lookup, argv);
  if (!cache) return false;
  const prefix = distDir.endsWith(sep) ? distDir : distDir + sep;
  const proto = Module.prototype as unknown as { _compile: Compile };
  const original = proto._compile;
  proto._compile = function (content, filename) {
    const entry = filename.startsWith(prefix) ? entryName(filename) : null;
    if (entry === null) return original.call(this, content, filename);
    const run = cache.compile(filename, content, entry);
    return run.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  return true;
}
