/**
 * `callback listen` as built: ready line, one log line per request, NDJSON with --json,
 * requests passed on byte for byte to a backend whose answer comes back, 413 above 1 MB,
 * 502 when the backend is down, SIGTERM exits 0. Callbacks come from `callback send`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { until } from "../helpers/wait.js";

const env = cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: "wh" });

interface Listener {
  url: string;
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

async function listen(args: string[], extraEnv: Record<string, string> = {}): Promise<Listener> {
  const child = spawn(process.execPath, [CLI, "callback", "listen", "--port", "0", ...args], {
    env: { ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await until(() => /^http:\/\/\S+\n/.test(out) || child.exitCode !== null, "listen to start", 10);
  if (child.exitCode !== null) throw new Error(`listen did not start: ${err}`);
  return {
    url: (/^(http:\/\/\S+)\n/.exec(out) as RegExpExecArray)[1] as string,
    child,
    out: () => out,
    err: () => err,
    exited,
  };
}

/** The built binary, run without blocking this process (the backend lives here). */
function send(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

let backend: Server;
let backendUrl: string;
const got: { method: string; url: string; headers: string[]; body: Buffer }[] = [];

beforeAll(async () => {
  requireBuild();
  backend = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      got.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.rawHeaders,
        body: Buffer.concat(chunks),
      });
      response.writeHead(request.url?.includes("fail") ? 500 : 201, {
        "content-type": "text/plain",
        "x-backend": "yes",
      });
      response.end(`backend saw ${Buffer.concat(chunks).length} bytes`);
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => backend.close(() => resolve())));

describe("callback listen", () => {
  it("checks each callback, passes it on byte for byte, and returns the backend's answer", async () => {
    const server = await listen(["--forward-to", backendUrl, "--json"]);
    try {
      const printed = await send(["callback", "send", "ace", "--url", `${server.url}/sinch/ace?x=1`, "--print"]);
      const sent = await send(["callback", "send", "conversation-message", "--url", `${server.url}/conversation`]);
      expect(sent.stdout).toBe("HTTP/1.1 201 Created\nbackend saw " + `${got.at(-1)?.body.length} bytes\n`);
      expect(sent.code).toBe(0);
      const failing = await send(["callback", "send", "numbers-event", "--url", `${server.url}/fail`]);
      expect(failing.code).toBe(9);

      // A raw request, with a body that is no JSON and bytes that are no UTF-8.
      const body = Buffer.concat([Buffer.from("bin:"), Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x0a])]);
      const response = await fetch(`${server.url}/raw/path?q=%20a`, {
        method: "PUT",
        body,
        headers: { "X-Custom": "Kept As Is" },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get("x-backend")).toBe("yes");
      const last = got.at(-1);
      expect(last?.method).toBe("PUT");
      expect(last?.url).toBe("/raw/path?q=%20a");
      expect(last?.body.equals(body)).toBe(true);
      expect(last?.headers).toContain("X-Custom");

      await until(() => server.out().split("\n").filter(Boolean).length >= 4);
      const lines = server
        .out()
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.event, l.scheme, l.code, l.status])).toEqual([
        ["message", "webhook", "valid", 201],
        ["PROVISIONING_TO_VOICE_PLATFORM", "numbers", "valid", 500],
        ["-", null, "malformed", 201],
      ]);
      expect(server.err()).toMatch(/POST \/conversation message webhook valid → 201\n/);
      expect(printed.stdout).toMatch(/^POST \/sinch\/ace\?x=1 HTTP\/1\.1\r\n/);

      // The printed request, sent as it is, verifies; its signed path has no query.
      const verify = await send(["request", "verify", "-"], printed.stdout);
      expect(verify.stdout).toContain("✓ valid (application-signed request)");
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
  });

  it("checks the same on its worker thread as on the main thread, and writes every line before it exits", async () => {
    const threaded = await listen(["--json"]);
    const single = await listen(["--json"], { SINCH_TICKET_WORKERS: "0" });
    // The checking thread is really there: one thread more than the receiver without it
    // (Linux shows a process's threads in /proc).
    const threads = (l: Listener) => readdirSync(`/proc/${l.child.pid}/task`).length;
    if (existsSync("/proc/self/task")) expect(threads(threaded)).toBe(threads(single) + 1);
    const events = ["ice", "ace", "dice", "pie", "verification-request", "verification-result"];
    const webhooks = ["conversation-message", "sms-delivery-report", "numbers-event"];
    try {
      for (const server of [threaded, single]) {
        for (const event of [...events, ...webhooks]) {
          expect((await send(["callback", "send", event, "--url", `${server.url}/${event}`])).code).toBe(0);
        }
        // Signed, then its body changed on the way; and bytes that are no UTF-8, unsigned.
        const printed = await send(["callback", "send", "ace", "--url", `${server.url}/tampered`, "--print"]);
        const [head, body] = printed.stdout.split("\r\n\r\n") as [string, string];
        const headers = Object.fromEntries(
          head
            .split("\r\n")
            .slice(1)
            .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()])
            .filter(([n]) => !/^(host|content-length)$/i.test(n as string)),
        );
        await fetch(`${server.url}/tampered`, {
          method: "POST",
          headers,
          body: JSON.stringify(JSON.parse(body), null, 2),
        });
        await fetch(`${server.url}/binary`, { method: "PUT", body: Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x0a]) });
        // A burst, then SIGTERM at once: every request answered is checked and written.
        await Promise.all(
          Array.from({ length: 200 }, (_, i) => fetch(`${server.url}/burst/${i}`, { method: "POST", body: "{}" })),
        );
        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      }
      const summary = (l: Listener) =>
        l
          .out()
          .trim()
          .split("\n")
          .slice(1)
          .map((line) => JSON.parse(line))
          .map((o) => [o.event, o.scheme, o.code, o.status, o.diagnosis.map((d: { mistake: string }) => d.mistake)]);
      const fromThread = summary(threaded);
      expect(fromThread).toHaveLength(events.length + webhooks.length + 2 + 200);
      expect(fromThread.slice(0, events.length + webhooks.length).every((s) => s[2] === "valid")).toBe(true);
      expect(fromThread[events.length + webhooks.length]?.[4]).toContain("body-reserialized");
      expect(fromThread).toEqual(summary(single));
      expect(threaded.err()).not.toMatch(/checking thread stopped/);
      expect(
        threaded
          .err()
          .split("\n")
          .filter((l) => l.includes(" → ")).length,
      ).toBe(fromThread.length);
    } finally {
      threaded.child.kill("SIGTERM");
      single.child.kill("SIGTERM");
    }
  });

  it("answers 200 {} without a backend, 413 above 1 MB, 502 when the backend is down; SIGINT exits 0", async () => {
    const alone = await listen([]);
    const down = await listen(["--forward-to", "http://127.0.0.1:9"]);
    try {
      const ok = await send(["callback", "send", "pie", "--url", `${alone.url}/pie`]);
      expect(ok.stdout).toBe("HTTP/1.1 200 OK\n{}\n");
      const big = await fetch(`${alone.url}/x`, {
        method: "POST",
        body: "a".repeat(1024 * 1024 + 1),
        headers: { "content-type": "application/json" },
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: "request body larger than 1 MB" });
      const unreachable = await send(["callback", "send", "ace", "--url", `${down.url}/ace`]);
      expect(unreachable.code).toBe(9);
      expect(unreachable.stdout).toContain("HTTP/1.1 502 Bad Gateway");
      await until(() => down.err().includes("backend unreachable"));
      expect(alone.err()).toMatch(/POST \/pie pie application valid → 200\n/);
    } finally {
      alone.child.kill("SIGINT");
      down.child.kill("SIGTERM");
      expect(await alone.exited).toBe(0);
      expect(await down.exited).toBe(0);
    }
  });

  it("will not start without any secret, and a port in use is exit 2", async () => {
    const none = runBin(["callback", "listen", "--port", "0"], { env: cleanEnv() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("needs the application secret");
    const taken = runBin(["callback", "listen", "--port", String((backend.address() as AddressInfo).port)], { env });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain("is in use");
  });
});
