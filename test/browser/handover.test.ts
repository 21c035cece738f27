/**
 * inspect's token hand-over in Debian's Chromium, with a profile of its own on disk: the
 * browser is opened on the hand-over file (as the command does), the page works, and once
 * the browser has closed, its History database and session files hold no token. The same
 * check on a browser that opened the printed `?token=` address finds it there: the check
 * sees what it looks for.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeHandOverFile } from "../../src/cli/commands/inspect/handover.js";
import { cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { type RunningServer, startServer } from "../helpers/serve.js";
import { until } from "../helpers/wait.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM) || Boolean(process.env.CI);

let server: RunningServer;
let token: string;
let base: string;
const dirs: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  requireBuild();
  const env = cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET });
  server = await startServer(["--no-open"], env, undefined, "inspect");
  const url = new URL(server.url);
  token = url.searchParams.get("token") as string;
  base = `${url.origin}/`;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A Chromium with its profile in a new directory, written to disk as a user's is. */
async function browserWithProfile(): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), "st-chromium-"));
  dirs.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  return { context, profile };
}

/** Every file of the profile's History database and of its session files. */
function historyAndSessions(profile: string): { files: string[]; bytes: Buffer } {
  const root = join(profile, "Default");
  const files = readdirSync(root)
    .filter((name) => name.startsWith("History"))
    .map((name) => join(root, name));
  const sessions = join(root, "Sessions");
  if (existsSync(sessions)) files.push(...readdirSync(sessions).map((name) => join(sessions, name)));
  return { files, bytes: Buffer.concat(files.filter((f) => statSync(f).isFile()).map((f) => readFileSync(f))) };
}

/** Opens the page, waits for it to be usable (its API answered), and closes the browser. */
async function openAndClose(context: BrowserContext, address: string, reload = true): Promise<void> {
  const page = await context.newPage();
  await page.goto(address);
  await page.locator("body[data-ready=true]").waitFor();
  await page.getByLabel("Ticket", { exact: true }).fill("not a ticket");
  await page.locator("#messages .error").first().waitFor();
  if (reload) {
    // A second page load, as a user might do: the cookie alone carries it.
    await page.reload();
    await page.locator("body[data-ready=true]").waitFor();
  }
  await context.close();
}

describe.skipIf(!haveChromium)("inspect's token hand-over in Chromium", () => {
  it("leaves no token in the History database or the session files; the file is gone once used", async () => {
    // The command itself writes the file and runs the opener: a stand-in for xdg-open on
    // PATH records the one argument it was given, and the test opens that in Chromium.
    const bin = mkdtempSync(join(tmpdir(), "st-open-"));
    dirs.push(bin);
    const record = join(bin, "opened.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const env = cleanEnv({
      SINCH_APPLICATION_KEY: KEY,
      SINCH_APPLICATION_SECRET: SECRET,
      DISPLAY: ":99",
      PATH: `${bin}:${process.env.PATH}`,
    });
    const opened = await startServer([], env, undefined, "inspect");
    try {
      const ownToken = new URL(opened.url).searchParams.get("token") as string;
      await until(() => existsSync(record) && readFileSync(record, "utf8") !== "", "the browser opener to be run");
      const file = readFileSync(record, "utf8").trim();
      expect(file).not.toContain(ownToken);
      const { context, profile } = await browserWithProfile();
      await openAndClose(context, `file://${file}`);
      expect(existsSync(file)).toBe(false);
      const { files, bytes } = historyAndSessions(profile);
      expect(files.some((f) => f.endsWith("History"))).toBe(true);
      // The page's address was recorded (the database was written), its token was not.
      expect(bytes.includes(Buffer.from(new URL(opened.url).origin))).toBe(true);
      expect(bytes.includes(Buffer.from(ownToken))).toBe(false);
    } finally {
      await opened.stop();
    }
  }, 60_000);

  it("finds the token there after the printed ?token= address was opened (the check sees it)", async () => {
    const { context, profile } = await browserWithProfile();
    await openAndClose(context, server.url, false);
    const { bytes } = historyAndSessions(profile);
    expect(bytes.includes(Buffer.from(token))).toBe(true);
  }, 60_000);

  it("the page and its API refuse a browser that was handed a wrong token", async () => {
    const file = writeHandOverFile(base, "x".repeat(token.length));
    try {
      const { context } = await browserWithProfile();
      const page = await context.newPage();
      await page.goto(`file://${file.path}`);
      await until(() => page.url() === base, "the hand-over to be posted");
      await page.getByText("needs the address").waitFor();
      const status = await page.evaluate(async () => (await fetch("/api/profiles")).status);
      expect(status).toBe(401);
      await context.close();
    } finally {
      file.remove();
    }
  }, 60_000);
});
