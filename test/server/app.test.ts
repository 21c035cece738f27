/**
 * The HTTP stack `serve` and `inspect` share, over real sockets: what reaches a client and
 * the access log when a request is not one Fastify's routes can answer.
 */
import { connect } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.js";
import { until } from "../helpers/wait.js";

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(lines: string[], routes?: (app: FastifyInstance) => void): Promise<number> {
  app = createApp({ log: (l) => lines.push(l), bodyTypes: "JSON" });
  routes?.(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return (app.server.address() as { port: number }).port;
}

/** Sends raw bytes; resolves with everything received once the server closes the connection. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (d: Buffer) => {
      received += d.toString();
    });
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
    socket.write(text);
  });
}

const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as unknown;

describe("methods the servers do not serve", () => {
  it("answers CONNECT with 405 in the one JSON shape, and logs it", async () => {
    const lines: string[] = [];
    const port = await start(lines);
    const text = await raw(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(text).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
    expect(bodyOf(text)).toEqual({ error: "method CONNECT is not served here" });
    await until(() => lines.length > 0);
    expect(lines.join("")).toMatch(/ CONNECT example\.com:443 405 [\d.]+ms\n$/);
  });
});

describe("whatever a request throws answers that request", () => {
  it("answers 500 in the one error shape for any thrown value, logs it, and goes on", async () => {
    const lines: string[] = [];
    const port = await start(lines, (a) => {
      a.get("/throws-null", () => {
        throw null;
      });
      a.get("/throws-text", async () => {
        throw "text";
      });
      a.addHook("onRequest", (request, _reply, done) => {
        if (request.url === "/hook") throw new RangeError("from a hook");
        done();
      });
    });
    for (const path of ["/throws-null", "/throws-text", "/hook"]) {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(r.status).toBe(500);
      expect(await r.json()).toEqual({ error: "internal error" });
    }
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await until(() => lines.join("").split("\n").length > 4);
    expect(lines.join("").match(/ 500 /g)).toHaveLength(3);
  });
});
