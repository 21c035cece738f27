import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistrationToken, createTicket } from "../../src/index.js";
import { cleanEnv, requireBuild, runBin, writeProfiles } from "../helpers/bin.js";
import { KEY, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { type RunningServer, startServer } from "../helpers/serve.js";
import { until } from "../helpers/wait.js";

// `sinch-ticket inspect` (the built binary): the rules of its server and its API.

const OTHER_KEY = "other-application-key";
let server: RunningServer;
let base: string;
let token: string;
let env: Record<string, string>;
/** Every body and header the server sent during the tests, to look for secrets in. */
const seen: string[] = [];

/** A raw HTTP request, so that the Host header can be anything. */
function raw(
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: url.port,
        path,
        method: options.method ?? "GET",
        headers: { host: options.host ?? url.host, ...options.headers },
      },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => {
          seen.push(JSON.stringify(res.headers), body);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

async function inspectApi(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await raw("/api/inspect", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: JSON.parse(r.body) };
}

const created = new Date(Date.now() - 60_000);
const ticket = (key: string, secret: string, endpoint = "alice") =>
  createTicket({ applicationKey: key, applicationSecret: secret, identity: { endpoint }, now: created, expiresIn: 600 })
    .userTicket;

beforeAll(async () => {
  requireBuild();
  env = cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET });
  writeProfiles(env, "main", {
    main: { applicationKey: KEY, applicationSecret: SECRET },
    other: { applicationKey: OTHER_KEY, applicationSecret: OTHER_SECRET },
  });
  server = await startServer(["--no-open"], env, undefined, "inspect");
  const url = new URL(server.url);
  base = `${url.origin}/`;
  token = url.searchParams.get("token") ?? "";
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

describe("inspect's server", () => {
  it("prints only the page's URL on stdout: 127.0.0.1, a token of at least 128 bits", async () => {
    await expect.poll(() => server.stderr()).toContain("--no-open");
    expect(server.stdout()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+\n$/);
    expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
  });

  it("answers the page and the API only with the token", async () => {
    const page = await raw(`/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain('<label for="ticket">Ticket</label>');
    expect((await raw("/")).status).toBe(403);
    expect((await raw("/?token=wrong")).status).toBe(403);
    expect((await raw("/api/profiles")).status).toBe(401);
    // One character changed (never to itself: the token is random).
    const changed = `${token.slice(0, -1)}${token.endsWith("x") ? "y" : "x"}`;
    expect((await raw(`/api/profiles?token=${changed}`)).status).toBe(401);
    expect((await raw(`/api/profiles?token=${token}`)).status).toBe(200);
    expect((await raw("/api/profiles", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const noToken = await raw("/api/inspect", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: ticket(KEY, SECRET) }),
    });
    expect(noToken.status).toBe(401);
  });

  it("refuses a Host other than 127.0.0.1 or localhost on its port (DNS rebinding)", async () => {
    const port = new URL(base).port;
    for (const host of ["evil.example", `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, "127.0.0.1"]) {
      const r = await raw(`/api/profiles?token=${token}`, { host });
      expect(r.status, host).toBe(403);
    }
    expect((await raw(`/api/profiles?token=${token}`, { host: `localhost:${port}` })).status).toBe(200);
  });

  it("sends no CORS headers, and no-store and a strict CSP on every answer", async () => {
    const answers = [
      await raw(`/?token=${token}`, { headers: { origin: "https://evil.example" } }),
      await raw("/app.js"),
      await raw("/app.css"),
      await raw(`/api/profiles?token=${token}`, { headers: { origin: "https://evil.example" } }),
      await raw("/api/inspect", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      }),
      await raw("/missing"),
    ];
    for (const r of answers) {
      expect(Object.keys(r.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
      expect(r.headers["cache-control"]).toBe("no-store");
      expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(r.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(r.headers["content-security-policy"]).not.toContain("unsafe-inline");
    }
    // The page has no inline script or style and loads nothing from elsewhere.
    const page = (answers[0] as { body: string }).body;
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/\sstyle=|<style/);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("lists the profiles and the command's credentials, never a secret", async () => {
    const r = await raw(`/api/profiles?token=${token}`);
    expect(JSON.parse(r.body)).toEqual({
      started: { applicationKey: KEY, key: "env: SINCH_APPLICATION_KEY", secret: "env: SINCH_APPLICATION_SECRET" },
      profiles: [
        { name: "main", applicationKey: KEY, secretStore: "file" },
        { name: "other", applicationKey: OTHER_KEY, secretStore: "file" },
      ],
    });
  });

  it("answers what decode --json and verify --json print for the same text", async () => {
    const damaged = ticket(KEY, SECRET, "bob").replaceAll("+", " ");
    const url = `https://app.example/callback?user=alice&ticket=${encodeURIComponent(ticket(KEY, SECRET))}`;
    for (const text of [ticket(KEY, SECRET), damaged, url, ticket(OTHER_KEY, OTHER_SECRET), "not a ticket at all"]) {
      const { status, json } = await inspectApi({ text, profile: null });
      expect(status).toBe(200);
      const now = new Date((json.view as { time: { now: number } | null }).time?.now ?? Date.now()).toISOString();
      const decoded = runBin(["decode", "--json", text], { env });
      if (decoded.code === 0 || decoded.stdout !== "") expect(json.decode).toEqual(JSON.parse(decoded.stdout));
      else expect((json.decode as { error: string }).error).toBe(decoded.stderr.trim().replace(/^error: /, ""));
      const verified = runBin(["verify", "--json", "--now", now, "--key", KEY, text], { env });
      expect(json.verify).toEqual(JSON.parse(verified.stdout));
    }
  });

  it("reads a registration token the same way, with its iat, exp and instance expiry", async () => {
    const { token: jwt } = createRegistrationToken({
      applicationKey: KEY,
      applicationSecret: SECRET,
      userId: "erin",
      now: created,
      ttl: 600,
      instanceExpiresIn: 48 * 3600,
    });
    const { json } = await inspectApi({ text: `Authorization: Bearer ${jwt}`, profile: null });
    const view = json.view as { format: string; time: Record<string, unknown>; segments: { part: string }[] };
    expect(view.format).toBe("jwt");
    expect(view.time).toMatchObject({
      issued: Math.floor(created.getTime() / 1000) * 1000,
      issuedLabel: "iat",
      expiresLabel: "exp",
      instanceExpires: expect.any(Number),
    });
    expect(new Set(view.segments.map((s) => s.part))).toEqual(new Set(["header", "dot", "claims", "signature"]));
    const now = new Date(view.time.now as number).toISOString();
    const verified = runBin(["verify", "--json", "--now", now, "--key", KEY, `Authorization: Bearer ${jwt}`], { env });
    expect(json.verify).toEqual(JSON.parse(verified.stdout));
    expect((json.verify as { code: string }).code).toBe("valid");
  });

  it("verifies with the profile asked for, decodes only when asked to", async () => {
    const theirs = ticket(OTHER_KEY, OTHER_SECRET);
    const withOther = await inspectApi({ text: theirs, profile: "other" });
    expect((withOther.json.verify as { code: string }).code).toBe("valid");
    const withStart = await inspectApi({ text: theirs, profile: null });
    expect((withStart.json.verify as { code: string }).code).toBe("key_mismatch");
    const decodeOnly = await inspectApi({ text: theirs, profile: "other", verify: false });
    expect(decodeOnly.json.verify).toBeNull();
    expect((decodeOnly.json.view as { applicationKey: string }).applicationKey).toBe(OTHER_KEY);
    const unknown = await inspectApi({ text: theirs, profile: "nope" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/^no profile 'nope' in config file /);
    const bad = await inspectApi({ profile: null });
    expect(bad.status).toBe(400);
  });

  it("marks the characters a diagnosis points at, in the ticket as read", async () => {
    const good = ticket(KEY, SECRET, "carol");
    const damaged = good.replaceAll("+", " ");
    const { json } = await inspectApi({ text: `log: ticket=${damaged} status=401`, profile: null });
    const segments = (json.view as { segments: { text: string; part: string; mark?: { mistake: string } }[] }).segments;
    expect(segments.map((s) => s.text).join("")).toBe(damaged);
    const marks = segments.filter((s) => s.mark);
    expect(marks.length).toBe([...damaged].filter((c) => c === " ").length);
    if (marks.length > 0) expect(marks.every((m) => m.mark?.mistake === "plus-as-space")).toBe(true);
    expect(segments.filter((s) => s.part === "separator").map((s) => s.text)).toEqual([":"]);
  });

  it("never sends a secret", () => {
    expect(seen.length).toBeGreaterThan(20);
    const all = seen.join("\n");
    for (const secret of [SECRET, OTHER_SECRET]) expect(all).not.toContain(secret);
    expect(server.stdout() + server.stderr()).not.toContain(SECRET);
  });
});

describe("inspect's start and stop", () => {
  it("opens the default browser on a hand-over file: the token on no command line, the file gone at exit", async () => {
    // A stand-in for xdg-open on PATH records every argument it was given.
    const bin = mkdtempSync(join(tmpdir(), "st-open-"));
    const record = join(bin, "opened.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const withDisplay = cleanEnv({
      SINCH_APPLICATION_KEY: KEY,
      SINCH_APPLICATION_SECRET: SECRET,
      DISPLAY: ":99",
      PATH: `${bin}:${process.env.PATH}`,
    });
    const running = await startServer([], withDisplay, undefined, "inspect");
    let opened = "";
    try {
      await until(() => existsSync(record) && readFileSync(record, "utf8") !== "", "the browser opener to be run");
      const token = new URL(running.url).searchParams.get("token") as string;
      const args = readFileSync(record, "utf8").trim().split("\n");
      expect(args).toHaveLength(1);
      opened = args[0] as string;
      expect(opened).not.toContain(token);
      expect(opened.startsWith(tmpdir())).toBe(true);
      expect(statSync(opened).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(opened)).mode & 0o777).toBe(0o700);
      const html = readFileSync(opened, "utf8");
      expect(html).toContain(`action="${running.url.replace(/\?token=.*$/, "")}"`);
      expect(html).toContain(`value="${token}"`);
    } finally {
      expect(await running.stop("SIGINT")).toBe(0);
      rmSync(bin, { recursive: true, force: true });
    }
    expect(existsSync(dirname(opened))).toBe(false);
  });

  it("without a display, prints the URL and says to open it", async () => {
    const running = await startServer(
      [],
      cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET }),
      undefined,
      "inspect",
    );
    await until(() => running.stderr().includes("no display to open a browser on"), "the no-display note");
    expect(await running.stop("SIGTERM")).toBe(0);
  });

  it("starts when the default profile's keychain cannot be read, and says so", async () => {
    // No D-Bus session: the keychain-held default secret is out of reach, decoding is not.
    const noStore = cleanEnv({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" });
    const dir = join(noStore.XDG_CONFIG_HOME as string, "sinch-ticket");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        defaultProfile: "kc",
        profiles: { kc: { applicationKey: KEY, applicationSecret: { keychain: true } } },
      }),
      { mode: 0o600 },
    );
    const running = await startServer(["--no-open"], noStore, undefined, "inspect");
    try {
      expect(running.stderr()).toContain(
        "profile 'kc' keeps its secret in the keychain, but no credential store answered",
      );
      const url = new URL(running.url);
      const answer = await fetch(`${url.origin}/api/inspect`, {
        method: "POST",
        headers: { authorization: `Bearer ${url.searchParams.get("token")}`, "content-type": "application/json" },
        body: JSON.stringify({ text: ticket(KEY, SECRET), profile: null }),
      });
      const json = (await answer.json()) as { decode: { payload: unknown }; verify: unknown };
      expect(json.decode.payload).toBeDefined();
      expect(json.verify).toBeNull();
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });

  it("a port in use is exit 2 with one line", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const r = runBin(["inspect", "--no-open", "--port", String(port)], { env });
    blocker.close();
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `error: port ${port} on 127.0.0.1 is in use: choose another with --port (0 picks a free one)`,
    );
  });
});
