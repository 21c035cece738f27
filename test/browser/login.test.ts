import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";
import { type Browser, chromium } from "playwright-core";
import { build } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyTicket } from "../../src/index.js";
import { cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { type RunningServer, startServer } from "../helpers/serve.js";

/**
 * A front end on one origin logs in against `sinch-ticket serve` on another, as the
 * delegated-security tutorial's page does, in Debian's Chromium driven by playwright-core:
 * CORS, the ticket in the page, and Sinch's own JS SDK (sinch-rtc, bundled for the page)
 * starting with it. Sinch's API is answered by the test; nothing leaves the machine.
 */
const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// CI installs Chromium from Debian's packages; elsewhere the test needs it too, or is skipped.
const haveChromium = existsSync(CHROMIUM) || Boolean(process.env.CI);

let browser: Browser;
let auth: RunningServer;
let page: Server;
let pageOrigin: string;

async function sdkBundle(): Promise<string> {
  const sdk = join(here, "sdk");
  const result = await build({
    input: fileURLToPath(import.meta.resolve("sinch-rtc/lib/sinch.node.min.js")),
    platform: "browser",
    logLevel: "silent",
    resolve: {
      alias: {
        xmlhttprequest: join(sdk, "xhr.js"),
        pubnub: join(sdk, "pubnub.cjs"),
        wrtc: join(sdk, "empty.cjs"),
        atob: join(sdk, "atob.cjs"),
        btoa: join(sdk, "btoa.cjs"),
      },
    },
    // Node's `global`, which a dependency (localStorage) looks at.
    transform: { define: { global: "globalThis" } },
    plugins: [
      {
        // The Node build declares its own `navigator` (a stand-in); in a page, the page's.
        name: "page-navigator",
        load(id) {
          if (!/sinch\.node\.min\.js$/.test(id)) return null;
          const source = readFileSync(id, "utf8");
          const original = "navigator=navigator||{";
          if (!source.includes(original)) throw new Error("sinch-rtc source changed: navigator fallback not found");
          return source.replace(original, "navigator=globalThis.navigator||{");
        },
      },
    ],
    output: { format: "iife", name: "SinchClient" },
    write: false,
  });
  return result.output[0].code;
}

beforeAll(async () => {
  if (!haveChromium) return;
  requireBuild();
  const files: Record<string, [string, string]> = {
    "/": ["text/html", readFileSync(join(here, "page", "index.html"), "utf8")],
    "/app.js": ["text/javascript", readFileSync(join(here, "page", "app.js"), "utf8")],
    "/sinch.js": ["text/javascript", await sdkBundle()],
  };
  page = createServer((request, response) => {
    const file = files[(request.url ?? "/").split("?")[0] ?? "/"];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => page.listen(0, "127.0.0.1", r));
  pageOrigin = `http://127.0.0.1:${(page.address() as { port: number }).port}`;

  const dir = mkdtempSync(join(tmpdir(), "st-browser-"));
  const users = join(dir, "users.htpasswd");
  writeFileSync(users, `alice:${bcrypt.hashSync("wonderland", 4)}\n`);
  auth = await startServer(
    ["--port", "0", "--htpasswd", users, "--cors", pageOrigin],
    cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET }),
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await auth?.stop();
  page?.close();
});

describe.skipIf(!haveChromium)("a page on another origin logs in through serve", () => {
  it("gets a ticket through CORS, reads the identity, and Sinch's SDK sends it as Authorization: user <ticket>", async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const seen: string[] = [];
    const sinchCalls: { method: string; url: string; authorization: string | undefined }[] = [];
    tab.on("request", (request) => seen.push(request.url()));
    const errors: string[] = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    // Sinch's API, answered here: the time, then the instance request is recorded.
    await tab.route("https://api.sinch.com/**", async (route) => {
      const request = route.request();
      const headers = {
        "access-control-allow-origin": pageOrigin,
        "access-control-allow-headers": "authorization, content-type, x-timestamp",
        "access-control-allow-methods": "GET, POST, OPTIONS",
      };
      if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers });
      sinchCalls.push({
        method: request.method(),
        url: request.url(),
        authorization: (await request.headerValue("authorization")) ?? undefined,
      });
      if (request.url().includes("timestamp")) {
        return route.fulfill({
          status: 200,
          headers,
          contentType: "application/json",
          body: JSON.stringify({ timestamp: new Date().toISOString() }),
        });
      }
      return route.fulfill({ status: 503, headers, body: "" });
    });
    await tab.goto(`${pageOrigin}/?auth=${encodeURIComponent(auth.url)}&key=${KEY}`);
    await tab.fill("#username", "alice");
    await tab.fill("#password", "wonderland");
    await tab.click("button");
    await expect.poll(() => tab.textContent("#result")).toBe("ticket for alice");
    const login = (await tab.evaluate("window.login")) as { userTicket: string };
    expect(verifyTicket(login.userTicket, { applicationSecret: SECRET, applicationKey: KEY }).valid).toBe(true);
    await expect
      .poll(() => sinchCalls.find((c) => c.method === "POST")?.authorization)
      .toBe(`user ${login.userTicket}`);
    expect(await tab.evaluate("window.sinchClient.user.userId")).toBe("alice");
    expect(errors).toEqual([]);
    // Only this machine was asked anything; Sinch's API was answered by the test.
    for (const url of seen) expect(url).toMatch(/^(http:\/\/127\.0\.0\.1:\d+\/|https:\/\/api\.sinch\.com\/)/);
    await context.close();
  });

  it("shows the 403 for a wrong password", async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${pageOrigin}/?auth=${encodeURIComponent(auth.url)}&key=${KEY}`);
    await tab.fill("#username", "alice");
    await tab.fill("#password", "looking glass");
    await tab.click("button");
    await expect.poll(() => tab.textContent("#result")).toBe("login refused: 403");
    await context.close();
  });
});
