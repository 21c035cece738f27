/**
 * `callback listen` as built: ready line, one log line per request, NDJSON with --json,
 * requests passed on byte for byte to a backend whose answer comes back, 413 above 1 MB,
 * 502 when the backend is down, SIGTERM exits 0. Callbacks come from `callback send`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { farRegistrationToken, farUserTicket } from "../helpers/extreme.js";
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

/** Sends raw bytes to the receiver and returns what came back before it closed the connection. */
function rawRequest(url: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
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
      if (request.url?.includes("slow")) return;
      response.writeHead(request.url?.includes("fail") ? 500 : request.url?.includes("unauthorized") ? 401 : 201, {
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
      expect(sent.stdout).toBe(`HTTP/1.1 201 Created\nbackend saw ${got.at(-1)?.body.length} bytes\n`);
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
      // A path that does not decode is refused (400), forwarding or not, JSON body or not:
      // through the built file, whose minifier once dropped the check.
      for (const method of ["POST", "PUT"]) {
        const answer = await rawRequest(
          down.url,
          `${method} /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
        );
        expect(answer, method).toMatch(/^HTTP\/1\.1 400 /);
      }
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

  it("writes a line and an NDJSON object for every request it refuses, on the worker thread and without it", async () => {
    for (const extra of [{}, { SINCH_TICKET_WORKERS: "0" }] as Record<string, string>[]) {
      const server = await listen(["--json"], extra);
      try {
        const big = await fetch(`${server.url}/big`, { method: "POST", body: "a".repeat(1024 * 1024 + 1) });
        expect(big.status).toBe(413);
        expect(await rawRequest(server.url, "NOT HTTP\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
        expect(
          await rawRequest(server.url, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
        ).toMatch(/^HTTP\/1\.1 405 /);
        await until(() => server.out().trim().split("\n").length >= 4);
      } finally {
        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      }
      const objects = server
        .out()
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => JSON.parse(l));
      expect(objects.map((o) => [o.code, o.status, o.reason])).toEqual([
        ["refused", 413, "request body larger than 1 MB"],
        ["refused", 400, "malformed HTTP request"],
        ["refused", 405, "method CONNECT is not served here"],
      ]);
      expect(server.err()).toMatch(/ POST \/big - - refused: request body larger than 1 MB → 413\n/);
      expect(server.err()).toMatch(/ - - - - refused: malformed HTTP request → 400\n/);
    }
  });

  it("goes on after requests whose checks would throw, on the worker thread and without it", async () => {
    const far = [farUserTicket(KEY, SECRET), farRegistrationToken(KEY, SECRET)];
    for (const extra of [{}, { SINCH_TICKET_WORKERS: "0" }] as Record<string, string>[]) {
      const server = await listen(["--json"], extra);
      try {
        for (const credential of far) {
          const answer = await fetch(`${server.url}/far`, {
            method: "POST",
            headers: { authorization: `User ${credential}`, "content-type": "application/json" },
            body: JSON.stringify({ event: "ice\n2026-12-01T12:00:00.000Z POST /x ice application valid → 200" }),
          });
          expect(answer.status).toBe(200);
        }
        expect((await send(["callback", "send", "ace", "--url", `${server.url}/after`])).code).toBe(0);
        await until(() => server.out().trim().split("\n").length >= 4);
      } finally {
        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      }
      const objects = server
        .out()
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => JSON.parse(l));
      expect(objects.map((o) => [o.scheme, o.status])).toEqual([
        ["user", 200],
        ["user", 200],
        ["application", 200],
      ]);
      expect(objects[2].code).toBe("valid");
      expect(server.err()).not.toMatch(/\n\s+at /);
      expect(server.err()).not.toMatch(/checking thread stopped/);
      // The event's newline is shown escaped: no line of the log starts with the forged time.
      expect(server.err()).not.toMatch(/^2026-12-01T12:00:00\.000Z POST \/x/m);
      expect(
        server
          .err()
          .split("\n")
          .filter((l) => l.includes(" → ")),
      ).toHaveLength(3);
    }
  });

  it("warns at start that a backend under a path sees another path, names path-prefix when it refuses, and stops a slow one at --backend-timeout", async () => {
    const server = await listen(["--forward-to", `${backendUrl}/backend/`, "--backend-timeout", "1"]);
    try {
      expect(server.err()).toContain(
        "the backend sees each path after /backend (/x arrives as /backend/x): a backend that checks signatures over its own path will refuse them, since Sinch signed /x",
      );
      const refused = await send(["callback", "send", "ace", "--url", `${server.url}/unauthorized`]);
      expect(refused.code).toBe(9);
      expect(got.at(-1)?.url).toBe("/backend/unauthorized");
      const slow = await fetch(`${server.url}/slow`, { method: "POST", body: "{}" });
      expect(slow.status).toBe(504);
      expect(await slow.json()).toEqual({ error: "the backend did not answer within 1 s" });
      await until(() => server.err().includes("→ 504"));
      expect(server.err()).toMatch(/ POST \/unauthorized ace application valid \[path-prefix\] → 401\n/);
      expect(server.err()).toMatch(
        / POST \/slow - unsigned ✗ malformed request → 504 \(backend over its 1 s limit\)\n/,
      );
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
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
