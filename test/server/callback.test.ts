/**
 * The receiver of `callback listen` through app.inject(): answers without a backend, passes
 * requests on byte for byte, returns the backend's answer, and gives up on a backend that
 * does not answer.
 */
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LIMITS } from "../../src/server/app.js";
import { createCallbackServer, type Received } from "../../src/server/callback.js";
import { until } from "../helpers/wait.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

interface Seen {
  method: string;
  url: string;
  headers: string[];
  body: Buffer;
}

/** A backend on loopback that records what it got and answers with `answer` (or never). */
async function backend(answer: ((seen: Seen, res: import("node:http").ServerResponse) => void) | null) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const one = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.rawHeaders,
        body: Buffer.concat(chunks),
      };
      seen.push(one);
      answer?.(one, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`), seen, server };
}

describe("callback receiver", () => {
  it("answers 200 {} without a backend and reports the request as it came", async () => {
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: null, received: (r) => got.push(r) });
    const body = Buffer.from('{"event":"ace","x":"é"}');
    const res = await app.inject({
      method: "POST",
      url: "/sinch/ace?a=1",
      headers: { "content-type": "application/json; charset=utf-8", "x-timestamp": "t" },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    expect(got).toHaveLength(1);
    expect(got[0]?.status).toBe(200);
    expect(got[0]?.request.path).toBe("/sinch/ace");
    expect(got[0]?.request.query).toBe("a=1");
    expect(Buffer.compare(Buffer.from(got[0]?.request.body ?? []), body)).toBe(0);
    expect(got[0]?.request.headers).toContainEqual(["x-timestamp", "t"]);
    await app.close();
  });

  it("passes the request on byte for byte under the backend's base path and returns its answer", async () => {
    const back = await backend((_seen, res) => {
      res.writeHead(201, { "content-type": "text/plain", "x-backend": "yes" });
      res.end("made");
    });
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: back.url, received: (r) => got.push(r) });
    const body = Buffer.from([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x7d, 0x0a]);
    const res = await app.inject({
      method: "PUT",
      url: "/hook?q=1",
      headers: { "content-type": "application/json", "X-Sinch-Signature": "abc" },
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe("made");
    expect(res.headers["x-backend"]).toBe("yes");
    expect(back.seen).toHaveLength(1);
    expect(back.seen[0]?.method).toBe("PUT");
    expect(back.seen[0]?.url).toBe("/base/hook?q=1");
    expect(Buffer.compare(back.seen[0]?.body ?? Buffer.alloc(0), body)).toBe(0);
    // (app.inject() sends header names in lower case; the e2e test sees them as sent)
    const names = back.seen[0]?.headers.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).toContain("x-sinch-signature");
    expect(got[0]?.status).toBe(201);
    await app.close();
  });

  it("answers 504 when the backend sends nothing within the total limit, and says so in the line", async () => {
    const back = await backend(null);
    const got: Received[] = [];
    const app = await createCallbackServer({
      forwardTo: back.url,
      received: (r) => got.push(r),
      backendTimeoutMs: 1000,
    });
    const res = await app.inject({
      method: "POST",
      url: "/ace",
      payload: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({ error: "the backend did not answer within 1 s" });
    expect(back.seen).toHaveLength(1);
    expect(got).toHaveLength(1);
    expect(got[0]?.status).toBe(504);
    expect(got[0]?.note).toBe("backend over its 1 s limit");
    await app.close();
  });

  it("resets the caller's connection when a backend that keeps sending outlasts the total limit", async () => {
    // A byte every 100 ms: never silent, so only a total limit ends it.
    const back = await backend((_seen, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(".")), 100);
      res.on("close", () => clearInterval(drip));
    });
    const got: Received[] = [];
    const app = await createCallbackServer({
      forwardTo: back.url,
      received: (r) => got.push(r),
      backendTimeoutMs: 1000,
    });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const answer = await new Promise<{ status: number; bytes: number; error: string }>((resolve) => {
      const req = request(`${url}/drip`, { method: "POST" }, (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("error", (e) => resolve({ status: res.statusCode ?? 0, bytes, error: e.message }));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, error: "" }));
      });
      req.end("{}");
    });
    expect(answer.status).toBe(200);
    expect(answer.bytes).toBeGreaterThan(0);
    expect(answer.error).toBe("aborted");
    await until(() => got.length === 1);
    expect(got[0]?.status).toBeNull();
    expect(got[0]?.note).toMatch(/^reset after \d+ bytes of the backend's 200 answer: backend over its 1 s limit$/);
    // Every byte the caller got was counted (one more may have been lost with the reset).
    expect(Number(/after (\d+) bytes/.exec(got[0]?.note ?? "")?.[1])).toBeGreaterThanOrEqual(answer.bytes);
    await app.close();
  });

  it("streams a large answer at the caller's pace, holding a bounded number of bytes", async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const back = await backend(async (_seen, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(total) });
      for (let sent = 0; sent < total; sent += chunk.length) {
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    });
    const stats = { maxBufferedBytes: 0 };
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: back.url, received: (r) => got.push(r), stats });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/big`, { method: "GET" }, (res) => {
        let seen = 0;
        // A slow reader: one chunk, then a pause.
        res.on("data", (c: Buffer) => {
          seen += c.length;
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on("end", () => resolve(seen));
        res.on("error", reject);
      });
      req.end();
    });
    expect(bytes).toBe(total);
    expect(stats.maxBufferedBytes).toBeGreaterThan(0);
    // The bytes the receiver held at any moment (its response's queue and the backend's
    // unread answer), counted as they came: never the whole answer. (The process's buffer
    // memory says nothing here: the backend, the receiver and the reader share this process,
    // and what they have let go of waits for the collector.)
    expect(stats.maxBufferedBytes).toBeLessThanOrEqual(1024 * 1024);
    await until(() => got.length === 1);
    expect(got[0]?.status).toBe(200);
    await app.close();
  });

  it("answers waiting requests 503 when it stops, and says in the line what the client got", async () => {
    const back = await backend(null);
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: back.url, received: (r) => got.push(r), drainMs: 50 });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/slow`, { method: "POST" }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end("{}");
    });
    await until(() => back.seen.length === 1);
    // A request whose headers are on their way when the shutdown begins.
    const late = connect(Number(new URL(url).port), "127.0.0.1");
    let lateAnswer = "";
    late.on("data", (d: Buffer) => (lateAnswer += d.toString("latin1")));
    const lateClosed = new Promise((r) => late.on("close", r));
    await new Promise((r) => late.write("POST /late HTTP/1.1\r\nHost: x\r\n", r));
    const closed = app.close();
    late.write("Content-Length: 2\r\n\r\n{}");
    await closed;
    await lateClosed;
    expect(await answer).toEqual({ status: 503, body: '{"error":"the receiver is stopping: try again"}' });
    expect(lateAnswer).toMatch(/^HTTP\/1\.1 503 /);
    expect(got.map((g) => [g.request.path, g.status, g.note ?? g.refused])).toEqual([
      ["/late", 503, "the server is stopping: try again"],
      ["/slow", 503, "cut short by shutdown"],
    ]);
  });

  it("reports a caller that went away while the backend was slow as such, never as the backend unreachable", async () => {
    const back = await backend(null);
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: back.url, received: (r) => got.push(r) });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const req = request(`${url}/slow`, { method: "POST" });
    req.on("error", () => {});
    req.end("{}");
    await until(() => back.seen.length === 1);
    req.destroy();
    await until(() => got.length === 1);
    expect(got[0]?.status).toBeNull();
    expect(got[0]?.note).toBe("the client closed the connection, the client got no answer");
    await app.close();
  });
});

/** Sends raw bytes and returns what came back before the connection closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("requests the receiver refuses before reading them", () => {
  const saved = { ...LIMITS };
  afterEach(() => Object.assign(LIMITS, saved));

  it("reports each with its status and why: 413, 400, 431, 405 for CONNECT, a bad URL, an unknown method, 408", async () => {
    LIMITS.requestMs = 300;
    LIMITS.checkMs = 50;
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: null, received: (r) => got.push(r) });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(url).port);

    const big = await app.inject({ method: "POST", url: "/big", payload: "a".repeat(1024 * 1024 + 1) });
    expect(big.statusCode).toBe(413);
    expect(await raw(port, "NOT HTTP AT ALL\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(await raw(port, `POST /h HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20 * 1024)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431 /,
    );
    const connectAnswer = await raw(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(connectAnswer).toMatch(
      /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*"error":"method CONNECT is not served here"/,
    );
    expect(await raw(port, "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(port, "PROPFIND /dav HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 404 /,
    );
    // Headers, then a body that never comes.
    expect(await raw(port, "POST /late HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")).toMatch(
      /^HTTP\/1\.1 408 /,
    );
    await until(() => got.length === 7);
    expect(got.map((g) => [g.request.method, g.request.path, g.status, g.refused])).toEqual([
      ["POST", "/big", 413, "request body larger than 1 MB"],
      ["-", "-", 400, "malformed HTTP request"],
      ["-", "-", 431, "request headers larger than 16 KiB"],
      ["CONNECT", "example.com:443", 405, "method CONNECT is not served here"],
      ["GET", "/%zz", 400, "'/%zz' is not a valid url component"],
      ["PROPFIND", "/dav", 404, "not found"],
      ["POST", "/late", 408, "request not received within 10 s"],
    ]);
    await app.close();
  });
});

describe("the receiver's direct path (a POST of JSON when forwarding, taken before the routes)", () => {
  const saved = { ...LIMITS };
  afterEach(() => Object.assign(LIMITS, saved));

  /** A request as raw HTTP/1.1 on a connection of its own, closed after the answer. */
  const post = (path: string, body: string, headers: string[] = ["Content-Type: application/json"]) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join("")}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it("passes what Sinch sends on as the routes would, and leaves every other request to them", async () => {
    LIMITS.requestMs = 300;
    LIMITS.checkMs = 50;
    const back = await backend((seen, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ got: seen.body.toString("utf8") }));
    });
    const got: Received[] = [];
    const app = await createCallbackServer({ forwardTo: back.url, received: (r) => got.push(r) });
    const port = Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port);

    // Direct: JSON of known length; the body byte for byte, the answer as the backend gave it.
    const json = '{"event":"ace","é":1}';
    expect(await raw(port, post("/sinch/ace?x=1", json))).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"got":"\{\\"event/);
    expect(back.seen.at(-1)).toMatchObject({ method: "POST", url: "/base/sinch/ace?x=1" });
    expect(back.seen.at(-1)?.body.toString("utf8")).toBe(json);
    // Through the routes, as before: another body type, chunked, too large, a path that
    // does not decode, headers and part of a body that never ends.
    expect(await raw(port, post("/text", "hi", ["Content-Type: text/plain"]))).toMatch(/^HTTP\/1\.1 200 /);
    expect(
      await raw(
        port,
        "POST /chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      ),
    ).toMatch(/^HTTP\/1\.1 200 /);
    expect(await raw(port, post("/big", "a".repeat(1024 * 1024 + 1)))).toMatch(/^HTTP\/1\.1 413 /);
    expect(await raw(port, post("/%zz", "{}"))).toMatch(/^HTTP\/1\.1 400 /);
    expect(
      await raw(
        port,
        "POST /late HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\nab",
      ),
    ).toMatch(/^HTTP\/1\.1 408 /);
    await until(() => got.length === 6);
    expect(got.map((g) => [g.request.path, g.status, g.refused ?? null])).toEqual([
      ["/sinch/ace", 200, null],
      ["/text", 200, null],
      ["/chunked", 200, null],
      ["/big", 413, "request body larger than 1 MB"],
      ["/%zz", 400, "'/%zz' is not a valid url component"],
      ["/late", 408, "request not received within 10 s"],
    ]);
    expect(back.seen.map((s) => s.url)).toEqual(["/base/sinch/ace?x=1", "/base/text", "/base/chunked"]);
    await app.close();
  });

  it("reports a body cut short once, as the routes do", async () => {
    const back = await backend((_seen, res) => res.end("{}"));
    const reports: unknown[] = [];
    // JSON goes the direct way, text through the routes.
    for (const type of ["application/json", "text/plain"]) {
      const got: Received[] = [];
      const app = await createCallbackServer({ forwardTo: back.url, received: (r) => got.push(r) });
      const port = Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port);
      const socket = connect(port, "127.0.0.1");
      await new Promise((r) => socket.once("connect", r));
      socket.write(`POST /cut HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: 100\r\n\r\n{"a"`);
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
      await until(() => got.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      reports.push(got.map((g) => [g.request.path, g.status, g.refused]));
      await app.close();
    }
    expect(reports[0]).toEqual([["/cut", 400, "malformed HTTP request"]]);
    expect(reports[1]).toEqual(reports[0]);
    expect(back.seen).toEqual([]);
  });

  it("closes the backend's idle kept-alive sockets once idle for the limit", async () => {
    const closed: string[] = [];
    const back = await backend((_seen, res) => res.end("{}"));
    back.server.on("connection", (socket) => socket.on("close", () => closed.push("closed")));
    const app = await createCallbackServer({ forwardTo: back.url, received: () => {}, backendTimeoutMs: 100 });
    const port = Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port);
    expect(await raw(port, post("/one", "{}"))).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed).toEqual([]);
    // No wall-clock limit asserted: the socket is closed, whenever the sweep finds it idle.
    await until(() => closed.length === 1);
    await app.close();
  });
});
