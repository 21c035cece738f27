// Writes the output of every `--help` into docs/reference.md (between the <!-- help -->
// markers), so the command reference says exactly what the program prints.
// `node scripts/readme-help.mjs` rewrites it; `--check` exits 1 when it is out of date.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

/** The command reference, linked from the README. */
export const REFERENCE = "docs/reference.md";

export const HELP_TOPICS = [
  [],
  ["sign"],
  ["decode"],
  ["verify"],
  ["config"],
  ["config", "init"],
  ["config", "show"],
  ["config", "list"],
  ["config", "use"],
  ["config", "remove"],
  ["config", "path"],
  ["serve"],
  ["request"],
  ["request", "sign"],
  ["request", "verify"],
  ["callback"],
  ["callback", "send"],
  ["callback", "listen"],
  ["callback", "replay"],
  ["completion"],
];

export function helpSection(cli) {
  const blocks = HELP_TOPICS.map((topic) => {
    const text = execFileSync(process.execPath, [cli, ...topic, "--help"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, NO_COLOR: "1" },
    });
    return `\`sinch-ticket ${[...topic, "--help"].join(" ")}\`\n\n\`\`\`text\n${text.trimEnd()}\n\`\`\``;
  });
  return `<!-- help -->\n${blocks.join("\n\n")}\n<!-- /help -->`;
}

export function replaceHelpSection(readme, section) {
  return readme.replace(/<!-- help -->[\s\S]*<!-- \/help -->/, section);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync(REFERENCE, "utf8");
  const updated = replaceHelpSection(readme, helpSection("bin/sinch-ticket.cjs"));
  if (process.argv.includes("--check")) {
    if (updated !== readme) {
      console.error(`${REFERENCE} differs from --help: run node scripts/readme-help.mjs`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(REFERENCE, updated);
  }
}
