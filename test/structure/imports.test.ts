/**
 * The shape of src/ as the README's layout describes it: no import cycles (type-only and
 * dynamic imports count), and no command imports another command (shared views live in
 * src/cli/views/).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative module a file names: static, type-only, re-exported or dynamic. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, "utf8");
    const targets = new Set<string>();
    for (const m of text.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, ".ts"));
      if (target.endsWith(".ts")) targets.add(relative(root, target));
    }
    graph.set(relative(root, file), [...targets]);
  }
  return graph;
}

/** The cycles of a graph, each as the path that closes it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, order.get(next) as number));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!order.has(node)) visit(node);
  return found;
}

/** The command folder a file belongs to (`verify` for cli/commands/verify/run.ts), or null. */
function commandOf(file: string): string | null {
  return /^cli\/commands\/([^/]+)\//.exec(file.split("\\").join("/"))?.[1] ?? null;
}

describe("the import graph of src/", () => {
  const graph = importGraph(SRC);

  it("reads every file and finds the imports", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("cli/main.ts")).toContain("cli/program.ts");
  });

  it("has no cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("has no command importing another command", () => {
    const crossing = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => commandOf(file) !== null && commandOf(t) !== null && commandOf(t) !== commandOf(file))
        .map((t) => `${file} -> ${t}`),
    );
    expect(crossing).toEqual([]);
  });

  it("would see a cycle and a command importing another", () => {
    const made = new Map([
      ["cli/commands/a/run.ts", ["cli/commands/b/run.ts"]],
      ["cli/commands/b/run.ts", ["core/x.ts"]],
      ["core/x.ts", ["cli/commands/a/run.ts"]],
    ]);
    expect(cycles(made)).toEqual([["cli/commands/a/run.ts", "cli/commands/b/run.ts", "core/x.ts"]]);
    expect(commandOf("cli/commands/a/run.ts")).toBe("a");
    expect(commandOf("cli/views/rows.ts")).toBeNull();
  });
});
