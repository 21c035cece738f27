/**
 * A compile cache for Node versions that have none (20, 21, 22.0-22.2): V8's compiled code
 * of the command line's own files, kept between runs in the user's cache folder. Node 22.3
 * and later do this themselves (`module.enableCompileCache()`, which bin/sinch-ticket.cjs
 * turns on where it exists) and never load this file. The standalone executable uses the
 * same cache for the parts it carries (scripts/exe/parts.cjs), keyed by the executable.
 *
 * Why not compile-time code caches (as the `v8-compile-cache` package makes): a cache made
 * right after compiling holds only the top level, and start-up is mostly functions compiled
 * on first call. This one is made at exit, after the run, so it holds every function the
 * run compiled (as Node's own cache does); measured in docs/benchmarks.md.
 *
 * Safety: V8 checks a cache against its own version, its flags and the source's length
 * only, and runs whatever code an accepted cache holds. So:
 * - an entry is named by its file's name, size, inode, modification and change times: a
 *   file rewritten, copied or unpacked (which may carry the modification time over, never
 *   the change time) has a new name, and its old entry is never read for it;
 * - an entry is read only from a folder and as a file that the user owns and that group
 *   and others cannot write (checked on the open file), written only into such a folder,
 *   through a temporary file created new (never through a link);
 * - on Windows, where modes say nothing of who may write, there is no cache.
 * A cache V8 rejects is made again; anything that fails (no home, a read-only home, a full
 * disk) is the same as no cache. `NODE_DISABLE_COMPILE_CACHE` turns it off, as it does
 * Node's; `NODE_COMPILE_CACHE` names the folder, as it does Node's.
 */
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { Script } from "node:vm";

type Lookup = (name: string) => string | undefined;

/** A CommonJS module as Node's loader hands it to `_compile`. */
interface LoadedModule {
  exports: unknown;
}
type Compile = (this: LoadedModule, ...args: [string, string, ...unknown[]]) => unknown;

/**
 * What the cache uses of Node's CommonJS loader: node:module's `Module`. The caller passes
 * its own `module.constructor`, the same class: node:module itself is not loaded, which on
 * Node 20 loads the ES module loader too (about half a millisecond of every start).
 */
export interface ModuleLoader {
  wrap(source: string): string;
  wrapper: readonly string[];
  createRequire(filename: string): NodeJS.Require;
  prototype: object;
}

const nodeModule = (): ModuleLoader => (require("node:module") as { Module: ModuleLoader }).Module;

/**
 * The home folder as node:os gives it: on POSIX systems `HOME` when it is set, else the
 * user database's. node:os is loaded only for the second (it costs Node 20 about half a
 * millisecond of start-up).
 */
function homeFolder(lookup: Lookup): string {
  return lookup("HOME") || (require("node:os") as typeof import("node:os")).homedir();
}

/**
 * The user's cache folder for this tool, this Node and this copy of the tool (`copy`: the
 * dist folder or the executable), as each platform keeps caches; null where there is none.
 */
export function compileCacheDir(
  lookup: Lookup,
  copy: string,
  home: () => string = () => homeFolder(lookup),
): string | null {
  if (process.platform === "win32") return null;
  // The folder the cache's folders are made in must exist: a home folder that is not
  // there (HOME set to nowhere) is not made for a cache.
  let root = lookup("NODE_COMPILE_CACHE");
  let existing = root ? dirname(root) : "";
  try {
    if (!root) {
      const xdg = process.platform === "darwin" ? undefined : lookup("XDG_CACHE_HOME");
      existing = xdg ? dirname(xdg) : home();
      root =
        process.platform === "darwin"
          ? join(existing, "Library", "Caches", "sinch-ticket")
          : join(xdg || join(existing, ".cache"), "sinch-ticket");
    }
    if (!statSync(existing).isDirectory()) return null;
  } catch {
    return null; // No home folder (a container's user with none, or HOME set to nowhere): no cache.
  }
  // One folder per Node version and per installed copy (two checkouts never share entries).
  return join(root, `node-${process.version}-${process.arch}`, tag(copy));
}

/** A short, stable name for a path (FNV-1a): which copy of the tool a folder caches. */
function tag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** The user's own, and nobody else may write to it. */
function ours(s: Stats): boolean {
  return s.uid === process.getuid?.() && (s.mode & 0o022) === 0;
}

/** Whether a cache folder may be used: "absent", or whether it is a folder of ours. */
function trusted(dir: string): boolean | "absent" {
  try {
    const s = statSync(dir);
    return s.isDirectory() && ours(s);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : false;
  }
}

/** An entry's bytes, when it is a regular file of ours; else undefined. */
function readEntry(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const s = fstatSync(fd);
    return s.isFile() && ours(s) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's identity, for its entry's name: size, inode, and modification and change times
 * in nanoseconds (the change time is set by the system whenever the file is written or
 * created, and no copy or unpacking can choose it); null if it cannot be read.
 */
export function fileStamp(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.size}.${s.ino}.${s.mtimeNs}.${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/** Entry names: `<file>.<stamp>.v8`, the stamp four numbers. */
const ENTRY = /^(.+)\.\d+\.\d+\.\d+\.\d+\.v8$/;

/**
 * What a run is for: its command (the first word: `sign`, `request`) and the options it
 * names (`sign --batch --created`), which choose the code that runs; "-" for no command.
 * The code a run compiled is written at exit when no run of the same kind has been since
 * the entries were made, so that they hold the code of every kind of run used, not only
 * the first one's (`sign --batch` runs other code than `sign alice`); a run that failed
 * does not count.
 */
function runKind(argv: readonly string[]): string {
  const word = argv[2] ?? "";
  const command = /^[a-z][a-z-]{0,30}$/.test(word) ? word : "-";
  const options = new Set<string>();
  for (const arg of argv.slice(2)) {
    if (arg === "--") break;
    const name = /^(--?[a-zA-Z][a-zA-Z0-9-]{0,40})(=|$)/.exec(arg)?.[1];
    if (name !== undefined) options.add(name);
  }
  return [command, ...[...options].sort()].join(" ");
}

/**
 * The kinds of run whose code the entries hold: the file `runs` in the cache folder, a line
 * naming the build (`build <stamp>`), then a kind a line. A new build (an upgrade, a rebuild)
 * starts the list again: its files' entries are made anew, holding only the code of the
 * runs since.
 */
const INDEX = "runs";
/** Enough for the kinds of run a user has; a folder never holds a longer list. */
const MAX_KINDS = 64;

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

export interface CacheOptions {
  /** Node's CommonJS `Module` class: pass `module.constructor` (see ModuleLoader). */
  loader?: ModuleLoader;
  /** The environment. */
  lookup?: Lookup;
  /** The command line, for the kind of run. */
  argv?: readonly string[];
}

/**
 * The cache in `cacheDir`, or null when it is off or the folder cannot be trusted. At exit
 * it writes the code of the modules that had none, or of every module this run compiled
 * when no run of its kind had been since the entries were made for this `build` (a stamp
 * of the copy of the tool); entries `current` says no to (of files changed or gone) are
 * dropped then.
 */
export function openCodeCache(
  cacheDir: string | null,
  current: (entry: string) => boolean,
  build: string,
  { loader = nodeModule(), lookup = (name) => process.env[name], argv = process.argv }: CacheOptions = {},
): CodeCache | null {
  if (cacheDir === null || lookup("NODE_DISABLE_COMPILE_CACHE")) return null;
  const state = trusted(cacheDir);
  if (state === false) return null;
  const kind = runKind(argv);
  const heading = `build ${build}`;
  const listed = state === true ? (readEntry(join(cacheDir, INDEX))?.toString("latin1") ?? "").split("\n") : [];
  const kinds = listed[0] === heading ? listed.slice(1).filter(Boolean) : [];
  const newKind = !kinds.includes(kind) && kinds.length < MAX_KINDS;
  const loaded: Loaded[] = [];
  process.once("exit", (code) => {
    const counts = newKind && code === 0;
    const writing = counts ? loaded : loaded.filter((l) => l.made);
    if (writing.length > 0) {
      writeCache(cacheDir, writing, current, counts ? [heading, ...kinds, kind, ""].join("\n") : null);
    }
  });
  return {
    compile(filename, content, entry) {
      const cachedData = state === true ? readEntry(join(cacheDir, entry)) : undefined;
      // The wrapper goes before the first line: columns there count from the module's code.
      const script = new Script(loader.wrap(content), {
        filename,
        cachedData,
        columnOffset: -loader.wrapper[0]!.length,
      });
      loaded.push({ script, entry, made: cachedData === undefined || script.cachedDataRejected === true });
      return script.runInThisContext() as ModuleFunction;
    },
  };
}

/** Writes the entries (and the command list), then drops the entries of files changed or gone. */
function writeCache(cacheDir: string, writing: Loaded[], current: (entry: string) => boolean, index: string | null) {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    // Again now that it exists: someone else may have made it, or put something in its place.
    if (trusted(cacheDir) !== true) return;
    for (const { script, entry } of writing) writeWhole(cacheDir, entry, script.createCachedData());
    if (index !== null) writeWhole(cacheDir, INDEX, index);
    const written = new Set(writing.map((l) => l.entry));
    for (const name of readdirSync(cacheDir)) {
      if (!name.endsWith(".v8") || written.has(name) || current(name)) continue;
      try {
        unlinkSync(join(cacheDir, name));
      } catch {
        // Another run removed it first.
      }
    }
  } catch {
    // No cache this time (a read-only home, a full disk): the next run compiles again.
  }
}

/**
 * Writes a file whole: a temporary file created new (`wx`: never an existing file or a link),
 * then renamed, so that a parallel run reads all of it or nothing. A failed write leaves no
 * temporary file behind.
 */
function writeWhole(cacheDir: string, name: string, data: string | Uint8Array): void {
  const temporary = join(cacheDir, `${name}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data, { mode: 0o600, flag: "wx" });
    renameSync(temporary, join(cacheDir, name));
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // It was never made.
    }
    throw error;
  }
}

/**
 * Compiles the files in the folder of `entry` (the command line's first file, cli.cjs)
 * through the cache in the user's cache folder: an entry per file, named by its name and
 * identity; the entry file's identity names the build. Returns false when the cache is off,
 * or cannot be had (files then load as they always do).
 */
export function enableCompileCache(
  entry: string,
  { cacheDir, ...options }: CacheOptions & { cacheDir?: string | null } = {},
): boolean {
  const { loader = nodeModule(), lookup = (name: string) => process.env[name] } = options;
  const distDir = dirname(entry);
  const entryOf = (filename: string) => {
    const stamp = fileStamp(filename);
    return stamp === null ? null : `${basename(filename)}.${stamp}.v8`;
  };
  const current = (name: string) => {
    const file = ENTRY.exec(name)?.[1];
    return file !== undefined && entryOf(join(distDir, file)) === name;
  };
  const build = fileStamp(entry);
  if (build === null) return false;
  const dir = cacheDir === undefined ? compileCacheDir(lookup, distDir) : cacheDir;
  const cache = openCodeCache(dir, current, build, { ...options, loader, lookup });
  if (!cache) return false;
  const prefix = distDir + sep;
  const proto = loader.prototype as { _compile: Compile };
  const original = proto._compile;
  proto._compile = function (content, filename, ...rest) {
    const name = filename.startsWith(prefix) ? entryOf(filename) : null;
    if (name === null) return original.call(this, content, filename, ...rest);
    const run = cache.compile(filename, content, name);
    return run.call(this.exports, this.exports, loader.createRequire(filename), this, filename, dirname(filename));
  };
  return true;
}
