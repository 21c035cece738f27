#!/usr/bin/env node
// `npm run build:exe`: the standalone executable, dist/exe/sinch-ticket (sinch-ticket.exe
// on Windows), for this machine's platform, with the Node that runs this script. It needs
// `npm run build` first (the inspect page comes from dist/inspect/). Steps: bundle the
// command line into one file (rolldown.exe.config.ts), let Node pack it and its assets
// into a blob (--experimental-sea-config), copy this Node's binary and inject the blob
// (postject). LICENSES.txt, also inside the executable (`sinch-ticket --licenses`), is
// written beside it. See docs/executable.md.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "dist", "exe");
const build = join(out, "build");
const exe = join(out, process.platform === "win32" ? "sinch-ticket.exe" : "sinch-ticket");
const [major, minor] = process.versions.node.split(".").map(Number);

function fail(message) {
  console.error(`build:exe: ${message}`);
  process.exit(1);
}

if (major < 20 || (major === 20 && minor < 12))
  fail(`Node ${process.version} cannot carry assets; use Node 20.12 or later`);
if (!existsSync(join(root, "dist", "inspect", "index.html")))
  fail("run `npm run build` first (dist/inspect/ is missing)");

rmSync(out, { recursive: true, force: true });
mkdirSync(build, { recursive: true });
const run = (file, args) => execFileSync(file, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });

run(process.execPath, [join(root, "node_modules", "rolldown", "bin", "cli.mjs"), "-c", "rolldown.exe.config.ts"]);
run(process.execPath, ["--experimental-sea-config", join(build, "sea-config.json")]);

copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
if (process.platform === "darwin") run("codesign", ["--remove-signature", exe]);
const { inject } = createRequire(import.meta.url)("postject");
await inject(exe, "NODE_SEA_BLOB", readFileSync(join(build, "sea-prep.blob")), {
  sentinelFuse: "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
  machoSegmentName: process.platform === "darwin" ? "NODE_SEA" : undefined,
});
if (process.platform === "darwin") run("codesign", ["--sign", "-", exe]);

copyFileSync(join(build, "LICENSES.txt"), join(out, "LICENSES.txt"));
rmSync(build, { recursive: true, force: true });
console.log(exe.slice(root.length + 1));
