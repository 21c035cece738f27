/**
 * What we ship is what we test: pack the package, install the tarball into a fresh
 * project, run its binary and import its library (types included).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "../helpers/bin.js";
import { SECRET } from "../helpers/constants.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });

let project: string;
let files: string[];
let tarball: string;

beforeAll(() => {
  requireBuild();
  const out = mkdtempSync(join(tmpdir(), "st-pack-"));
  const packed = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", out], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0]!.files.map((f) => f.path);
  tarball = join(out, packed[0]!.filename);
  project = mkdtempSync(join(tmpdir(), "st-project-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", tarball], project);
}, 120_000);

describe("the packed package", () => {
  it("ships the built files and nothing of the sources or tests", () => {
    expect(files).toContain("bin/sinch-ticket.cjs");
    expect(files).toContain("dist/cli.cjs");
    expect(files).toContain("dist/batch-worker.cjs");
    expect(files).toContain("dist/bcrypt-worker.cjs");
    expect(files).toContain("dist/inspect/app.js");
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.cjs");
    expect(files).toContain("dist/types/index.d.ts");
    expect(files).toContain("dist/types/index.d.cts");
    expect(files).toContain("dist/THIRD_PARTY_LICENSES.txt");
    expect(files.some((f) => f.startsWith("src/") || f.startsWith("test/"))).toBe(false);
  });

  it("names bin/sinch-ticket.cjs, a script with a shebang, as the binary", () => {
    const manifest = JSON.parse(readFileSync(join(project, "node_modules", "sinch-ticket", "package.json"), "utf8"));
    expect(manifest.bin).toEqual({ "sinch-ticket": "bin/sinch-ticket.cjs" });
    const script = readFileSync(join(project, "node_modules", "sinch-ticket", "bin", "sinch-ticket.cjs"), "utf8");
    expect(script.startsWith("#!/usr/bin/env -S node --\n")).toBe(true);
  });

  it("installs a working sinch-ticket binary", () => {
    const ticket = execFileSync(
      join(project, "node_modules", ".bin", "sinch-ticket"),
      ["sign", "--demo", "--no-input", "alice"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    expect(ticket).toMatch(/^ey[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
  });

  it("installs globally, and the global command runs each kind of command", () => {
    const prefix = mkdtempSync(join(tmpdir(), "st-global-"));
    npm(["install", "--global", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", tarball], prefix);
    const bin = join(prefix, "bin", "sinch-ticket");
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: prefix };
    const ticket = execFileSync(bin, ["sign", "--demo", "--no-input", "alice"], { encoding: "utf8", env });
    const verdict = execFileSync(bin, ["verify", "--demo", "--json", ticket.trim()], { encoding: "utf8", env });
    expect(JSON.parse(verdict)).toMatchObject({ valid: true, code: "valid" });
    // A batch run starts its worker thread from the installed files.
    const lines = execFileSync(bin, ["sign", "--demo", "--count", "3000", "--endpoint-template", "u{n}"], {
      encoding: "utf8",
      env,
    });
    expect(lines.trim().split("\n")).toHaveLength(3000);
  });

  it("exports the library with its types", () => {
    const script = `import { createTicket, decodeTicket, verifyTicket } from "sinch-ticket";
const t = createTicket({ applicationKey: "k", applicationSecret: "${SECRET}", identity: { endpoint: "a" } });
console.log(JSON.stringify([decodeTicket(t.userTicket).identity.endpoint, verifyTicket(t.userTicket, { applicationSecret: "${SECRET}" }).code]));`;
    writeFileSync(join(project, "use.mjs"), script);
    expect(execFileSync(process.execPath, ["use.mjs"], { cwd: project, encoding: "utf8" }).trim()).toBe(
      '["a","valid"]',
    );

    writeFileSync(
      join(project, "use.ts"),
      `import { createRegistrationToken, createTicket, decodeRegistrationToken, type VerifyResult, verifyRegistrationToken, verifyTicket } from "sinch-ticket";
const jwt: string = createRegistrationToken({ applicationKey: "k", applicationSecret: "s", userId: "u", ttl: 600 }).token;
export const user: string = decodeRegistrationToken(jwt).userId;
export const jwtValid: boolean = verifyRegistrationToken(jwt, { applicationSecret: "s" }).valid;
const t: string = createTicket({ applicationKey: "k", applicationSecret: "s", identity: { type: "email", endpoint: "a@b.co" } }).userTicket;
const r: VerifyResult = verifyTicket(t, { applicationSecret: "s" });
export const code: "valid" | "malformed" | "key_mismatch" | "bad_signature" | "expired" | "not_yet_valid" = r.code;
import { parseRequest, signApplicationRequest, type RequestVerifyResult, verifyRequest, webhookSignature } from "sinch-ticket";
export const authorization: string = signApplicationRequest({ applicationKey: "k", applicationSecret: "s", method: "GET", resource: "/", timestamp: "2026-01-01T00:00:00Z" }).authorization;
export const request: RequestVerifyResult = verifyRequest(parseRequest("POST / HTTP/1.1\\n\\n"), { webhookSecret: "w" });
export const hook: string = webhookSignature("w", new Uint8Array([1]), "n", "1");
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", moduleResolution: "nodenext", strict: true, noEmit: true, types: [] },
        files: ["use.ts"],
      }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    expect(() => execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" })).not.toThrow();
  });

  it("can be required from CommonJS", () => {
    writeFileSync(
      join(project, "use.cjs"),
      `const { createTicket, verifyTicket } = require("sinch-ticket");
const t = createTicket({ applicationKey: "k", applicationSecret: "${SECRET}", identity: { endpoint: "a" } });
console.log(verifyTicket(t.userTicket, { applicationSecret: "${SECRET}" }).code);`,
    );
    expect(execFileSync(process.execPath, ["use.cjs"], { cwd: project, encoding: "utf8" }).trim()).toBe("valid");
  });

  it("has no runtime dependencies to install", () => {
    const manifest = JSON.parse(readFileSync(join(project, "node_modules", "sinch-ticket", "package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
  });
});
