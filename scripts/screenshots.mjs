// `node scripts/screenshots.mjs`: the README's pictures of the inspect page (light and
// dark), taken in Debian's Chromium from the built binary, with made-up applications.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createTicket } from "../dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "st-shots-"));
const config = join(home, ".config", "sinch-ticket");
mkdirSync(config, { recursive: true, mode: 0o700 });
const apps = {
  "acme-prod": {
    applicationKey: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
    applicationSecret: "c2VjcmV0LW9mLWFjbWUtcHJvZA==",
  },
  "globex-dev": {
    applicationKey: "0a1b2c3d-4e5f-4a7b-9c8d-7e6f5a4b3c2d",
    applicationSecret: "Z2xvYmV4LWRldi1zZWNyZXQ=",
  },
};
writeFileSync(join(config, "config.json"), JSON.stringify({ defaultProfile: "globex-dev", profiles: apps }), {
  mode: 0o600,
});

// A customer's log line: their ticket went through a form, every '+' is now a space.
let ticket = "";
for (let i = 0; !ticket.includes("+"); i++) {
  ticket = createTicket({
    ...apps["acme-prod"],
    identity: { type: "email", endpoint: `support-case-${4810 + i}@acme.example` },
    now: new Date(Date.now() - 4 * 60_000),
    expiresIn: 3600,
  }).userTicket;
}
const pasted = `2026-11-29T09:14:03Z WARN auth rejected ticket=${ticket.replaceAll("+", " ")} status=401 client=web`;

const child = spawn(process.execPath, [join(root, "bin", "sinch-ticket.cjs"), "inspect", "--no-open"], {
  env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(d.toString().trim())));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox"],
});
try {
  for (const colorScheme of ["light", "dark"]) {
    const page = await browser.newPage({ colorScheme, viewport: { width: 960, height: 1200 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.locator("body[data-ready=true]").waitFor();
    await page.getByLabel("Ticket", { exact: true }).fill(pasted);
    await page.locator("#rows dt").first().waitFor();
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator("#verdict .verdict").waitFor();
    const out = join(root, "docs", `inspect-${colorScheme}.png`);
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${out}`);
    await page.close();
  }
} finally {
  await browser.close();
  child.kill();
}
