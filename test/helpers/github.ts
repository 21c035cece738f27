import { readFileSync } from "node:fs";

/**
 * The outputs a runner reads back from a $GITHUB_OUTPUT file: `name=value` lines and
 * `name<<delimiter` blocks ending at a line that is the delimiter.
 */
export function readGithubOutputs(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return {};
  }
  const lines = text.split("\n");
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const value: string[] = [];
      for (i++; lines[i] !== block[2]; i++) {
        if (i >= lines.length) throw new Error(`no closing delimiter for output ${block[1]}`);
        value.push(lines[i] as string);
      }
      outputs[block[1] as string] = value.join("\n");
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}
