/**
 * action.yml, run the way the runner runs a composite action: each `run:` step's script in
 * `bash --noprofile --norc -eo pipefail`, its `${{ }}` expressions evaluated first, a fresh
 * $GITHUB_OUTPUT file per step read back as that step's outputs, GITHUB_ACTIONS=true and no
 * INPUT_* variables. `uses:` steps (actions/setup-node) are skipped: this machine's Node
 * runs. The build step runs in a copy of this checkout's built files (bin/, dist/,
 * package.json) with `npm` standing in as a script that records its arguments, so the
 * test stays fast while checking what the step asks npm to do and where.
 */
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { verifyTicket } from "../../src/index.js";
import { requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { readGithubOutputs } from "../helpers/github.js";

beforeAll(requireBuild);

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as Action;

/** One write of the step's process, in the order both pipes delivered them. */
type Event = ["out" | "err", string];

interface StepRun {
  code: number | null;
  events: Event[];
  stdout: string;
  stderr: string;
}

/** Evaluates the `${{ }}` expressions the action uses; anything else is a test failure. */
function evaluate(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expression);
    if (m) return context.inputs[m[1] as string] ?? action.inputs[m[1] as string]?.default ?? "";
    if (expression === "github.action_path") return context.actionPath;
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (m) return context.steps[m[1] as string]?.[m[2] as string] ?? "";
    throw new Error(`expression not handled by this test: ${expression}`);
  });
}

interface Context {
  inputs: Record<string, string>;
  actionPath: string;
  workspace: string;
  env: Record<string, string>;
  steps: Record<string, Record<string, string>>;
}

function runScript(script: string, cwd: string, env: Record<string, string>): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), "st-action-step-"));
  const file = join(dir, "step.sh");
  writeFileSync(file, script);
  return new Promise((resolve) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const events: Event[] = [];
    child.stdout.on("data", (d: Buffer) => events.push(["out", d.toString("utf8")]));
    child.stderr.on("data", (d: Buffer) => events.push(["err", d.toString("utf8")]));
    child.on("close", (code) => {
      const join = (s: "out" | "err") =>
        events
          .filter(([k]) => k === s)
          .map(([, t]) => t)
          .join("");
      resolve({ code, events, stdout: join("out"), stderr: join("err") });
    });
  });
}

/** Runs the action's steps in order; stops at the first that fails, as the runner does. */
async function runAction(inputs: Record<string, string>, options: { files?: Record<string, string> } = {}) {
  const base = mkdtempSync(join(tmpdir(), "st-action-"));
  const actionPath = join(base, "action");
  const workspace = join(base, "workspace");
  const fakeBin = join(base, "fake-bin");
  mkdirSync(workspace);
  mkdirSync(fakeBin);
  for (const part of ["bin", "dist", "package.json", "package-lock.json"])
    cpSync(join(root, part), join(actionPath, part), { recursive: true });
  // npm, standing in for the real one: records its arguments and where it ran.
  const npmLog = join(base, "npm.log");
  writeFileSync(join(fakeBin, "npm"), `#!/bin/sh\necho "$PWD $*" >> '${npmLog}'\n`);
  chmodSync(join(fakeBin, "npm"), 0o755);
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), text);
  const context: Context = { inputs, actionPath, workspace, env: {}, steps: {} };
  const runs: (StepRun & { step: Step })[] = [];
  const skipped: Step[] = [];
  for (const [i, step] of action.runs.steps.entries()) {
    if (step.uses) {
      skipped.push(step);
      continue;
    }
    const output = join(base, `output-${i}`);
    const env: Record<string, string> = {
      PATH: `${fakeBin}:${process.env.PATH}`,
      HOME: base,
      GITHUB_ACTIONS: "true",
      CI: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_ENV: join(base, `env-${i}`),
      GITHUB_ACTION_PATH: actionPath,
      // Credentials from the caller's `env:`, as a workflow passes its secrets.
      SINCH_APPLICATION_KEY: KEY,
      SINCH_APPLICATION_SECRET: SECRET,
    };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = evaluate(value, context);
    const cwd = step["working-directory"] ? evaluate(step["working-directory"], context) : workspace;
    const run = await runScript(evaluate(step.run as string, context), cwd, env);
    runs.push({ ...run, step });
    if (step.id) context.steps[step.id] = readGithubOutputs(output);
    if (run.code !== 0) break;
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, o]) => [name, evaluate(o.value, context)]),
  );
  const npm = existsSync(npmLog) ? readFileSync(npmLog, "utf8").trim().split("\n") : [];
  return { runs, skipped, outputs, npm, actionPath, workspace, last: runs.at(-1) as StepRun };
}

/** Each value's mask arrived on stderr before the first stdout data holding it. */
function maskedFirst(events: Event[], values: string[]): void {
  for (const value of values) {
    const masked = events.findIndex(([s, t]) => s === "err" && t.includes(`::add-mask::${value}\n`));
    const shown = events.findIndex(([s, t]) => s === "out" && t.includes(value));
    expect(masked, `no mask for ${value}`).not.toBe(-1);
    expect(masked).toBeLessThan(shown === -1 ? Number.POSITIVE_INFINITY : shown);
  }
}

describe("action.yml", () => {
  it("is a composite action whose scripts take inputs only from env:, with the declared output result", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs).sort()).toEqual(["args", "node-version"]);
    expect(action.outputs.result?.value).toMatch(/^\$\{\{ steps\.run\.outputs\.result \}\}$/);
    const setup = action.runs.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(setup?.with?.["node-version"]).toBe("${{ inputs.node-version }}");
    for (const step of action.runs.steps.filter((s) => s.run !== undefined)) {
      // An expression in a script is pasted into bash's source before it runs.
      expect(step.run).not.toMatch(/\$\{\{/);
      expect(step.shell).toBe("bash");
    }
  });

  it("builds in its own checkout, runs sign --batch from the workspace, and sets result, each ticket masked first", async () => {
    const r = await runAction(
      { args: "sign --batch users.csv" },
      { files: { "users.csv": "endpoint,type\nalice,username\nbob@example.com,email\n" } },
    );
    expect(r.skipped.map((s) => s.uses)).toEqual([expect.stringMatching(/^actions\/setup-node@/)]);
    expect(r.npm).toEqual([`${r.actionPath} ci --no-audit --no-fund`, `${r.actionPath} run build`]);
    expect(r.last.code, r.last.stderr).toBe(0);
    const lines = r.last.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.endpoint)).toEqual(["alice", "bob@example.com"]);
    expect(r.outputs.result).toBe(r.last.stdout.trimEnd());
    maskedFirst(
      r.last.events,
      lines.map((l) => l.userTicket),
    );
    for (const l of lines) expect(verifyTicket(l.userTicket, { applicationSecret: SECRET }).valid).toBe(true);
  });

  it("keeps a quoted word together, and runs nothing the args hold", async () => {
    const r = await runAction({ args: `sign --count 2 --endpoint-template 'user {n} $(touch pwned)'` });
    expect(r.last.code, r.last.stderr).toBe(0);
    const endpoints = r.outputs.result?.split("\n").map((l) => JSON.parse(l).endpoint);
    expect(endpoints).toEqual(["user 1 $(touch pwned)", "user 2 $(touch pwned)"]);
    expect(existsSync(join(r.workspace, "pwned"))).toBe(false);
  });

  it("masks a registration token and sets it as result", async () => {
    const r = await runAction({ args: "sign --format jwt alice" });
    expect(r.last.code, r.last.stderr).toBe(0);
    const token = r.last.stdout.trim();
    expect(token.split(".")).toHaveLength(3);
    expect(r.outputs.result).toBe(token);
    maskedFirst(r.last.events, [token]);
  });

  it("sets request sign's two header lines as result, the signature masked first", async () => {
    const r = await runAction({ args: "request sign POST https://calling.api.sinch.com/calling/v1/callouts" });
    expect(r.last.code, r.last.stderr).toBe(0);
    expect(r.outputs.result).toBe(r.last.stdout.trimEnd());
    const signature = /^Authorization: Application [^:]+:(\S+)$/m.exec(r.last.stdout)?.[1] as string;
    expect(signature).toHaveLength(44);
    maskedFirst(r.last.events, [signature]);
  });

  it("hands --env-file in args to sinch-ticket, not to Node", async () => {
    const r = await runAction({ args: "sign alice --env-file missing.env" });
    expect(r.last.code).toBe(2);
    expect(r.last.stderr).toMatch(/^error: --env-file is not accepted/m);
  });

  it("runs other commands without --github-output (result is empty)", async () => {
    const r = await runAction({ args: "decode --json eyJhIjoxfQ==:c2ln" });
    expect(r.outputs.result).toBe("");
    expect(r.last.stderr).not.toContain("unknown option");
  });

  it("fails the step with exit 2 when args is empty", async () => {
    const r = await runAction({ args: "   " });
    expect(r.last.code).toBe(2);
    expect(r.last.stderr).toMatch(/^::error::the args input is empty/);
  });
});
