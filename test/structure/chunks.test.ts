/**
 * The build's start-up file holds the program and the work of the commands the registry
 * marks `startup`; every other command's work is split out into files loaded when it runs,
 * with no change to the build for a new command. Built here with rolldown.config.ts and a
 * fixture command that exists only in this build (virtual modules: nothing is written to src/).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin, type RolldownOptions } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../rolldown.config.js";
import { COMMANDS } from "../../src/cli/program.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const COMMANDS_DIR = join(ROOT, "src", "cli", "commands");
const FIXTURE = "zz-fixture";
const FIXTURE_DEFINITION = join(COMMANDS_DIR, FIXTURE, "command.ts");
const FIXTURE_RUN = join(COMMANDS_DIR, FIXTURE, "run.ts");

/** A command the registry gains in this build only: a definition whose action imports its run module. */
const fixtureCommand: Plugin = {
  name: "fixture-command",
  resolveId(source, importer) {
    if (source === `./commands/${FIXTURE}/command.js`) return FIXTURE_DEFINITION;
    if (importer === FIXTURE_DEFINITION && source === "./run.js") return FIXTURE_RUN;
  },
  load(id) {
    if (id === FIXTURE_DEFINITION) {
      return `export const fixture = { name: "${FIXTURE}", summary: "a fixture", define(command, ctx) {
        command.action(async () => { ctx.exitCode = await (await import("./run.js")).run(); });
      } };`;
    }
    if (id === FIXTURE_RUN) return `export async function run() { return "${FIXTURE}".length; }`;
  },
  transform(code, id) {
    if (id !== join(ROOT, "src", "cli", "program.ts")) return;
    const registered = code.replace(/(export const COMMANDS: CommandDefinition\[\] = \[[^\]]*)\]/, "$1, fixture]");
    if (registered === code) throw new Error("the registry (COMMANDS in src/cli/program.ts) was not found");
    return `import { fixture } from "./commands/${FIXTURE}/command.js";\n${registered}`;
  },
};

interface Built {
  chunkOf: Map<string, string>;
  /** What each file imports, by file name. */
  requiresOf: Map<string, string[]>;
  codeOf: Map<string, string>;
  modulesOf: Map<string, string[]>;
  /** What each command's definition loads with import(), by command name. */
  work: Map<string, string[]>;
}

const relativeId = (id: string) =>
  id
    .slice(ROOT.length + 1)
    .split("\\")
    .join("/");

async function buildCli(dir: string): Promise<Built> {
  const options = (config as RolldownOptions[]).find(
    (o) => typeof o.input === "object" && o.input !== null && "cli" in o.input,
  ) as RolldownOptions;
  const built: Built = {
    chunkOf: new Map(),
    requiresOf: new Map(),
    codeOf: new Map(),
    modulesOf: new Map(),
    work: new Map(),
  };
  const capture: Plugin = {
    name: "capture",
    generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        built.modulesOf.set(chunk.fileName, chunk.moduleIds.map(relativeId));
        built.requiresOf.set(chunk.fileName, chunk.imports);
        built.codeOf.set(chunk.fileName, chunk.code);
        for (const id of chunk.moduleIds) built.chunkOf.set(relativeId(id), chunk.fileName);
      }
      for (const id of this.getModuleIds()) {
        const name = /[\\/]src[\\/]cli[\\/]commands[\\/]([^\\/]+)[\\/]command\.ts$/.exec(id)?.[1];
        if (name) built.work.set(name, (this.getModuleInfo(id)?.dynamicallyImportedIds ?? []).map(relativeId));
      }
    },
  };
  const output = Array.isArray(options.output) ? options.output[0] : options.output;
  await build({
    ...options,
    plugins: [fixtureCommand, ...[options.plugins ?? []].flat(), capture],
    output: { ...output, dir },
    write: false,
  });
  return built;
}

describe("the start-up file and the commands' work", () => {
  const dir = mkdtempSync(join(tmpdir(), "st-chunks-"));
  let built: Built;
  let startupFile: string;
  beforeAll(async () => {
    built = await buildCli(dir);
    startupFile = built.chunkOf.get("src/cli/program.ts") as string;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the program, every command of the registry and the fixture in the build", () => {
    // The entry itself: one file for start-up to load, rolldown's helpers copied into it.
    expect(startupFile).toBe("cli.cjs");
    expect(built.requiresOf.get(startupFile)?.filter((name) => !name.startsWith("node:"))).toEqual([]);
    const runtime = [...built.codeOf.keys()].find((name) => name.startsWith("rolldown-runtime"));
    expect(runtime).toBeDefined();
    expect(built.codeOf.get(startupFile)).not.toContain(runtime);
    expect(built.modulesOf.get(startupFile)).toContain("src/cli/main.ts");
    expect([...built.work.keys()].sort()).toEqual([...COMMANDS.map((c) => c.name), FIXTURE].sort());
    // The registry keeps the one-ticket commands' work at start-up, and request's (its verify
    // has the same start-up limit); the others are split out.
    expect(COMMANDS.filter((c) => c.startup).map((c) => c.name)).toEqual(["sign", "decode", "verify", "request"]);
    expect(
      COMMANDS.filter((c) => !c.startup && (built.work.get(c.name) ?? []).length > 0).length,
    ).toBeGreaterThanOrEqual(4);
  });

  it("splits out the fixture command's work, with no change to the build", () => {
    const run = relativeId(FIXTURE_RUN);
    expect(built.work.get(FIXTURE)).toEqual([run]);
    expect(built.chunkOf.get(relativeId(FIXTURE_DEFINITION))).toBe(startupFile);
    expect(built.chunkOf.get(run)).not.toBe(startupFile);
    expect(built.modulesOf.get(built.chunkOf.get(run) as string)).toEqual([run]);
  });

  it("keeps every definition at start-up; a `startup` command's work there, every other's in files of their own", () => {
    const roots = new Map<string, string>();
    for (const [name, work] of built.work) for (const id of work) roots.set(id, name);
    for (const command of [...COMMANDS, { name: FIXTURE, startup: undefined }]) {
      expect(built.chunkOf.get(`src/cli/commands/${command.name}/command.ts`), command.name).toBe(startupFile);
      for (const id of built.work.get(command.name) ?? []) {
        const file = built.chunkOf.get(id);
        if (command.startup) {
          expect(file, id).toBe(startupFile);
          continue;
        }
        expect(file, id).toBeDefined();
        expect(file, id).not.toBe(startupFile);
        expect(file, id).not.toBe("cli.cjs");
        // Its own file: no other command's work is in it.
        const others = (built.modulesOf.get(file as string) ?? []).filter(
          (m) => roots.has(m) && roots.get(m) !== command.name,
        );
        expect(others, id).toEqual([]);
      }
    }
  });

  it("leaves batch mode, the prompts, the servers and their packages out of the start-up file", () => {
    const heavy = (built.modulesOf.get(startupFile) ?? []).filter((id) =>
      /^(src\/cli\/batch\/|src\/server\/|src\/cli\/terminal\/prompts-bundle\.ts|node_modules\/(@inquirer|inquirer|fastify|@fastify|open|dotenv)\/)/.test(
        id,
      ),
    );
    expect(heavy).toEqual([]);
    for (const id of ["src/cli/batch/run.ts", "src/cli/terminal/prompts-bundle.ts", "src/server/index.ts"]) {
      expect(built.chunkOf.get(id), id).toBeDefined();
    }
  });
});
