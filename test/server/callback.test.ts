/**
 * The receiver of `callback listen` through app.inject(): answers without a backend, passes
 * requests on byte for byte, returns the backend's answer, and gives up on a backend that
 * does not answer.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCallbackServer, type Received } from "../../src/server/callback.js";

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

  it("answers 502 when the backend keeps a request past the timeout", async () => {
    const back = await backend(null);
    const got: Received[] = [];
    const app = await createCallbackServer({
      forwardTo: back.url,
      received: (r) => got.push(r),
      backendTimeoutMs: 200,
    });
    const res = await app.inject({
      method: "POST",
      url: "/ace",
      payload: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ error: "the backend could not be reached (ETIMEDOUT)" });
    expect(back.seen).toHaveLength(1);
    expect(got[0]?.status).toBeNull();
    expect(got[0]?.error).toBe("ETIMEDOUT");
    await app.close();
  });
});
