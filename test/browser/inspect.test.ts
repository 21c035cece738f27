import { existsSync, readFileSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import { cleanEnv, requireBuild, writeProfiles } from "../helpers/bin.js";
import { KEY, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { type RunningServer, startServer } from "../helpers/serve.js";

/**
 * The inspect page in Debian's Chromium (playwright-core): what a support engineer does
 * with it, by mouse and by keyboard, and its weight (its load time is measured by `npm run
 * bench`, not here). Every request the page
 * makes is recorded: none may leave 127.0.0.1.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM) || Boolean(process.env.CI);
const OTHER_KEY = "other-application-key";

let browser: Browser;
let server: RunningServer;
const requests: string[] = [];

const created = new Date(Date.now() - 90_000);
const ticketFor = (endpoint: string, key = KEY, secret = SECRET) =>
  createTicket({
    applicationKey: key,
    applicationSecret: secret,
    identity: { endpoint },
    now: created,
    expiresIn: 3600,
  }).userTicket;
/** A ticket with at least one '+' in it (the endpoint decides the bytes). */
function ticketWithPlus(): string {
  for (let i = 0; ; i++) {
    const t = ticketFor(`user${i}@example.com`);
    if (t.includes("+")) return t;
  }
}

beforeAll(async () => {
  if (!haveChromium) return;
  requireBuild();
  const env = cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET });
  writeProfiles(env, "main", {
    main: { applicationKey: KEY, applicationSecret: SECRET },
    other: { applicationKey: OTHER_KEY, applicationSecret: OTHER_SECRET },
  });
  server = await startServer(["--no-open"], env, undefined, "inspect");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  page.on("request", (r) => requests.push(r.url()));
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(server.url);
  await page.locator("body[data-ready=true]").waitFor();
  expect(errors).toEqual([]);
  return page;
}

async function paste(page: Page, text: string): Promise<void> {
  await page.getByLabel("Ticket", { exact: true }).fill(text);
  // A damaged ticket can show both: what it reads as once repaired, and the error.
  await page.locator("#rows dt").first().or(page.locator("#messages .error")).first().waitFor();
}

describe.skipIf(!haveChromium)("the inspect page", () => {
  it("loads in under 100 KB, everything from its own server", async () => {
    // A fresh load (a new browser context: nothing cached). How long it takes is measured
    // by `npm run bench`, against a trivial page served the same way, never here.
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(server.url);
    await page.locator("body[data-ready=true]").waitFor();
    const bytes = await page.evaluate<number>(
      `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
        .reduce((sum, e) => sum + e.transferSize, 0)`,
    );
    expect(bytes).toBeGreaterThan(5000);
    expect(bytes).toBeLessThan(100 * 1024);
    await context.close();
  });

  for (const scheme of ["light", "dark"] as const) {
    it(`serves its stylesheet minified, and looks the same with it as with the source (${scheme})`, async () => {
      const source = readFileSync(new URL("../../src/inspect-page/app.css", import.meta.url), "utf8");
      const page = await open(scheme);
      const served = await (await page.request.get(new URL("/app.css", server.url).href)).text();
      expect(served.length).toBeLessThan(source.length * 0.9);
      expect(served).not.toMatch(/\n\s|\/\*/);
      // A page showing most of what it can: marks, warnings, a verdict, the time line, JSON.
      await paste(page, ticketWithPlus().replaceAll("+", " "));
      await page.keyboard.press("Control+Enter");
      await expect.poll(() => page.getByRole("status").innerText()).toContain("Malformed");
      await page.locator("details").evaluate((d) => d.setAttribute("open", ""));
      // Every element's computed style, and its pseudo-elements'. Custom properties keep
      // their text (#fff, #ffffff), so they are left out: what uses them is compared.
      const styles = () =>
        page.evaluate<string[]>(`[...document.querySelectorAll("*")].flatMap((e) =>
          [null, "::before", "::after", "::marker"].map((pseudo) => {
            const s = getComputedStyle(e, pseudo);
            const props = [...s].filter((p) => !p.startsWith("--")).sort();
            return e.tagName + "#" + e.id + "." + e.className + " " + (pseudo ?? "") + "\\n" +
              props.map((p) => p + ": " + s.getPropertyValue(p)).join("\\n");
          }))`);
      const minified = await styles();
      // The same page, the same moment, with the source stylesheet in place of the served one.
      await page.route("**/app.css?source", (route) => route.fulfill({ contentType: "text/css", body: source }));
      await page.evaluate(`new Promise((loaded, failed) => {
        const link = document.querySelector('link[rel="stylesheet"]');
        link.onload = loaded;
        link.onerror = failed;
        link.href = "/app.css?source";
      })`);
      const fromSource = await styles();
      expect(minified.length).toBeGreaterThan(50);
      expect(minified).toEqual(fromSource);
      await page.context().close();
    });
  }

  it("takes the token out of the address bar and history once it has it", async () => {
    const page = await open();
    expect(new URL(page.url()).search).toBe("");
    expect(await page.evaluate("location.href")).not.toContain("token");
    // The page still works with it: the token is kept in the page, not in the URL.
    await paste(page, ticketFor("erin"));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Valid");
    await page.context().close();
  });

  for (const how of ["the Verify button", "Ctrl+Enter"]) {
    it(`verifies with the profile chosen for the ticket even when ${how} comes right after the paste`, async () => {
      const page = await open();
      // Every answer of the API comes late, as on a loaded machine: whatever the order in
      // which the page's requests go out, the decode's answer is not back before Verify.
      await page.route("**/api/inspect", async (route) => {
        await new Promise((r) => setTimeout(r, 400));
        await route.continue();
      });
      const input = page.getByLabel("Ticket", { exact: true });
      // A ticket of the other application, then at once (before the decode's 150 ms pause).
      await input.fill(ticketFor("frank", OTHER_KEY, OTHER_SECRET));
      if (how === "Ctrl+Enter") await page.keyboard.press("Control+Enter");
      else await page.getByRole("button", { name: "Verify" }).click();
      const status = page.getByRole("status");
      await expect.poll(() => status.innerText()).toMatch(/Valid|Bad signature|mismatch|Malformed/);
      expect(await status.innerText()).toContain("Valid");
      expect(await page.locator("#profile").inputValue()).toBe("profile:other");
      // A ticket of the first application next: its own profile again.
      await input.fill(ticketFor("gina"));
      await page.getByRole("button", { name: "Verify" }).click();
      await expect.poll(() => page.locator("#rows").innerText()).toContain('"gina"');
      expect(await page.locator("#profile").inputValue()).toBe("");
      await expect.poll(() => status.innerText()).toContain("Valid");
      await page.context().close();
    });
  }

  it("shows the identity of a pasted ticket, and the verdict on Verify", async () => {
    const page = await open();
    await paste(page, ticketFor("alice@example.com"));
    await expect.poll(() => page.locator("#rows").innerText()).toContain('username "alice@example.com"');
    await expect.poll(() => page.locator("#profile").inputValue()).toBe("");
    await page.getByRole("button", { name: "Verify" }).click();
    const status = page.getByRole("status");
    await expect.poll(() => status.innerText()).toContain("Valid");
    expect(await status.innerText()).toContain("HMAC-SHA256 matches");
    // The time line: drawn to scale, and said in words.
    expect(await page.locator("#timeline line").count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator("#time-caption").innerText()).toMatch(
      /created .* \((?:1 minute|2 minutes)(?: \d+ seconds?)? ago\); expiresIn .* \(in (?:57|58) minutes(?: \d+ seconds?)?\)/,
    );
    await page.context().close();
  });

  it("marks the spaces that were '+' and names plus-as-space", async () => {
    const page = await open();
    const good = ticketWithPlus();
    const spaces = [...good].filter((c) => c === "+").length;
    await paste(page, good.replaceAll("+", " "));
    await page.keyboard.press("Control+Enter");
    const status = page.getByRole("status");
    await expect.poll(() => status.innerText()).toContain("Malformed");
    expect(await status.innerText()).toContain("cause (plus-as-space)");
    const marks = page.locator("#segments mark");
    await expect.poll(() => marks.count()).toBe(spaces);
    expect(await marks.first().getAttribute("title")).toBe("a space where '+' was (plus-as-space)");
    // Data and signature are told apart.
    expect(await page.locator("#segments .p-data").count()).toBeGreaterThan(0);
    expect(await page.locator("#segments .p-signature").count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it("finds the ticket in a pasted URL", async () => {
    const page = await open();
    const t = ticketFor("bob");
    await paste(page, `https://app.example/login/callback?state=xyz&ticket=${encodeURIComponent(t)}#done`);
    await expect.poll(() => page.locator("#rows").innerText()).toContain('username "bob"');
    expect(await page.locator("#segments").innerText()).toBe(t);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Valid");
    await page.context().close();
  });

  it("preselects the profile of the ticket's application, and verifies with the one chosen", async () => {
    const page = await open();
    await paste(page, ticketFor("carol", OTHER_KEY, OTHER_SECRET));
    await expect.poll(() => page.locator("#profile").inputValue()).toBe("profile:other");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Valid");
    await page.locator("#profile").selectOption("profile:main");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Application key mismatch");
    await page.context().close();
  });

  it("works by keyboard alone", async () => {
    const page = await open();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.id")).toBe("ticket");
    await page.keyboard.insertText(ticketFor("dave", OTHER_KEY, OTHER_SECRET));
    await expect.poll(() => page.locator("#profile").inputValue()).toBe("profile:other");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.id")).toBe("profile");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.id")).toBe("verify");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Valid");
    await page.context().close();
  });

  it("takes a signed request apart: its parts, the string to sign line by line, request verify's verdict", async () => {
    const { signApplicationRequest } = await import("../../src/index.js");
    const body = '{"event":"ice","callid":"c1"}';
    const timestamp = new Date().toISOString();
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/sinch/callback",
      body: Buffer.from(body),
      contentType: "application/json",
      timestamp,
    });
    const raw = (sent: string) =>
      `POST /sinch/callback HTTP/1.1\nContent-Type: application/json\nx-timestamp: ${timestamp}\nAuthorization: ${signed.authorization}\n\n${sent}`;
    const page = await open();
    await paste(page, raw(body));
    await expect.poll(() => page.getByRole("status").innerText()).toContain("A signed request");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Valid (application-signed request)");
    await expect.poll(() => page.locator("#rows").innerText()).toContain("x-timestamp");
    expect(await page.locator("#decoded-title").innerText()).toBe("What was signed");
    // The same request with its body re-written: the cause named, as request verify names it.
    await paste(page, raw(JSON.stringify(JSON.parse(body), null, 2)));
    await page.keyboard.press("Control+Enter");
    await expect
      .poll(() => page.getByRole("status").innerText())
      .toContain("Bad signature (application-signed request)");
    expect(await page.getByRole("status").innerText()).toContain("cause (body-reserialized)");
    await page.context().close();
  });

  it("made no request beyond 127.0.0.1", () => {
    expect(requests.length).toBeGreaterThan(10);
    for (const url of requests) expect(new URL(url).hostname).toBe("127.0.0.1");
  });
});
