/**
 * The standalone executable (`npm run build:exe`, see docs/executable.md) is built with
 * `__EXE__` defined; the npm build and the tests run without it. Inside the executable,
 * the files the npm build writes beside the bundle (the worker scripts, the inspect page,
 * the licences) are the executable's own assets.
 */
declare const __EXE__: boolean | undefined;

/** Whether this is the standalone executable. */
export const standalone = typeof __EXE__ === "boolean";

/** A text file carried inside the executable (rolldown.exe.config.ts lists them). */
export function exeAsset(name: string): string {
  const sea = require("node:sea") as typeof import("node:sea");
  return sea.getAsset(name, "utf8");
}

/** What `--version` says: the package's version, and in the executable the Node it carries. */
export function versionText(version: string): string {
  return standalone ? `${version} (standalone executable, Node ${process.version})` : version;
}
