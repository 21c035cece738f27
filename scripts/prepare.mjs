#!/usr/bin/env node
// npm's `prepare`: builds dist/ (`npm run build`) after `npm install` or `npm ci` in a
// checkout, and when npm installs the package from git (`npm install -g git+https://...`),
// where npm clones it, installs its devDependencies, runs this and packs what `files` names.
//
// npm (7 to 11) prepares the clone for `npm install -g <git url>` with the outer command's
// global install still in effect (npm_config_global in the environment): the clone's
// devDependencies are not installed, and the clone itself is linked into the global
// folder, where npm then unpacks the finished package through that link. So here this
// installs the devDependencies into the clone first, without running any package's
// scripts (this one included), and after the build puts an empty folder in place of that link. Without the
// devDependencies in a checkout (`npm ci --omit=dev`) there is nothing to build with, and
// it says so.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const global = process.env.npm_config_global === "true";

/** Runs the npm that runs this script; `local`: without the outer command's global options. */
function npm(args, { local = false, capture = false } = {}) {
  const env = local
    ? Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^npm_config_(global|location|prefix|allow_scripts)$/i.test(k)),
      )
    : process.env;
  const cli = process.env.npm_execpath;
  const [file, argv] = cli && /\.[cm]?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ["npm", args];
  return execFileSync(file, argv, {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    shell: file === "npm" && process.platform === "win32",
  });
}

if (!existsSync(join(root, "node_modules", "rolldown", "package.json"))) {
  if (!global) {
    console.error("prepare: the devDependencies are not installed, so dist/ is not built (npm run build needs them)");
    process.exit(0);
  }
  npm(["install", "--include=dev", "--ignore-scripts", "--no-save", "--no-audit", "--no-fund"], { local: true });
}
npm(["run", "build"], { local: true });

if (global) {
  // The global folder the user's npm installs into (their --prefix or npmrc included).
  const prefix = npm(["prefix", "--global"], { capture: true }).trim();
  const { name } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const link = join(prefix, process.platform === "win32" ? "" : "lib", "node_modules", name);
  if (existsSync(link) && lstatSync(link).isSymbolicLink() && realpathSync(link) === realpathSync(root)) {
    unlinkSync(link);
    mkdirSync(link);
  }
}
