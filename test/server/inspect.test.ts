/**
 * The routes of `inspect`'s server, answered in-process with Fastify's inject; the
 * binary-level tests in test/e2e/inspect.test.ts run the same server for real. A server
 * that is not listening has port 0, so the Host it answers is 127.0.0.1:0.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createInspectServer } from "../../src/server/inspect.js";

const TOKEN = "t".repeat(32);
const HOST = { host: "127.0.0.1:0" };
const assets = { html: '<html data-profiles=""></html>', script: "console.log(1)", style: "body{}" };

let app: FastifyInstance | null = null;
let calls: [string, string | null, boolean][] = [];
afterEach(async () => {
  await app?.close();
  app = null;
  calls = [];
});

async function server(): Promise<FastifyInstance> {
  app = await createInspectServer({
    token: TOKEN,
    assets,
    profiles: async () => [{ name: 'q"<&>', applicationKey: "k" }],
    inspect: async (text, profile, verify) => {
      calls.push([text, profile, verify]);
      return { read: text.length };
    },
  });
  return app;
}

describe("the inspect server's routes", () => {
  it("serves the page with its profiles in an escaped attribute, only with the token", async () => {
    const s = await server();
    const page = await s.inject({ url: `/?token=${TOKEN}`, headers: HOST });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toBe(
      '<html data-profiles="[{&quot;name&quot;:&quot;q\\&quot;&lt;&amp;&gt;&quot;,&quot;applicationKey&quot;:&quot;k&quot;}]"></html>',
    );
    const refused = await s.inject({ url: "/", headers: HOST });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain("needs the address");
    const wrong = await s.inject({ url: `/?token=${"x".repeat(32)}`, headers: HOST });
    expect(wrong.statusCode).toBe(403);
  });

  it("serves the script and the style sheet without the token", async () => {
    const s = await server();
    const script = await s.inject({ url: "/app.js", headers: HOST });
    expect([script.statusCode, script.body, script.headers["content-type"]]).toEqual([
      200,
      assets.script,
      "text/javascript; charset=utf-8",
    ]);
    const style = await s.inject({ url: "/app.css", headers: HOST });
    expect([style.statusCode, style.body]).toEqual([200, assets.style]);
  });

  it("answers the API with the token in the query or as a bearer token, 401 without", async () => {
    const s = await server();
    expect((await s.inject({ url: "/api/profiles", headers: HOST })).statusCode).toBe(401);
    const bearer = await s.inject({ url: "/api/profiles", headers: { ...HOST, authorization: `Bearer ${TOKEN}` } });
    expect(bearer.json()).toEqual([{ name: 'q"<&>', applicationKey: "k" }]);
    const post = (payload: unknown) =>
      s.inject({ method: "POST", url: `/api/inspect?token=${TOKEN}`, headers: HOST, payload: payload as object });
    expect((await post({ text: "abc" })).json()).toEqual({ read: 3 });
    expect((await post({ text: "abcd", profile: "prod", verify: false })).json()).toEqual({ read: 4 });
    expect(calls).toEqual([
      ["abc", null, true],
      ["abcd", "prod", false],
    ]);
  });

  it("refuses a body out of its schema with 400, before inspecting anything", async () => {
    const s = await server();
    const post = (payload: object) =>
      s.inject({ method: "POST", url: `/api/inspect?token=${TOKEN}`, headers: HOST, payload });
    for (const bad of [{}, { text: "x".repeat(12001) }, { text: "x", verify: "no" }]) {
      expect((await post(bad)).statusCode, JSON.stringify(bad).slice(0, 40)).toBe(400);
    }
    expect(calls).toEqual([]);
  });

  it("refuses a wrong-typed field or an unknown property with 400 and the one error shape, never coerced", async () => {
    const s = await server();
    const post = (payload: object) =>
      s.inject({ method: "POST", url: `/api/inspect?token=${TOKEN}`, headers: HOST, payload });
    const cases: [object, RegExp][] = [
      [{ text: 1 }, /^invalid request: body\/text must be string$/],
      [{ text: ["abc"] }, /^invalid request: body\/text must be string$/],
      [{ text: true }, /^invalid request: body\/text must be string$/],
      [{ text: null }, /^invalid request: body\/text must be string$/],
      [{ text: "abc", verify: "false" }, /^invalid request: body\/verify must be boolean$/],
      [{ text: "abc", verify: 0 }, /^invalid request: body\/verify must be boolean$/],
      [{ text: "abc", profile: 7 }, /^invalid request: body\/profile must be string,null$/],
      [{ text: "abc", extra: 1 }, /^invalid request: body has an unknown property "extra"$/],
      [{ text: "abc", Verify: false }, /^invalid request: body has an unknown property "Verify"$/],
    ];
    for (const [payload, message] of cases) {
      const r = await post(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(r.json(), JSON.stringify(payload)).toEqual({ error: expect.stringMatching(message) });
    }
    expect(calls).toEqual([]);
  });

  it("refuses any Host but 127.0.0.1 or localhost on its own port", async () => {
    const s = await server();
    for (const host of ["evil.example", "127.0.0.1:8080", "localhost", "127.0.0.2:0"]) {
      const r = await s.inject({ url: `/api/profiles?token=${TOKEN}`, headers: { host } });
      expect(r.statusCode, host).toBe(403);
    }
    expect((await s.inject({ url: `/api/profiles?token=${TOKEN}`, headers: { host: "localhost:0" } })).statusCode).toBe(
      200,
    );
  });

  it("sends no-store, a strict CSP and no CORS headers on every answer", async () => {
    const s = await server();
    for (const url of ["/", `/?token=${TOKEN}`, "/app.js", "/api/profiles"]) {
      const r = await s.inject({ url, headers: { ...HOST, origin: "http://evil.example" } });
      expect(r.headers["cache-control"], url).toBe("no-store");
      expect(r.headers["content-security-policy"], url).toMatch(/default-src 'none'/);
      expect(r.headers["x-frame-options"], url).toBe("DENY");
      expect(r.headers["access-control-allow-origin"], url).toBeUndefined();
    }
  });
});

describe("a request that throws", () => {
  it("is answered 500 in the one error shape and logged; the server goes on", async () => {
    const logged: string[] = [];
    let throwing = true;
    app = await createInspectServer({
      token: TOKEN,
      assets,
      profiles: async () => [],
      inspect: async (text) => {
        if (throwing) throw new TypeError(`cannot read ${text}`);
        return { read: text.length };
      },
      internalError: (error, method, path) => logged.push(`${method} ${path}: ${(error as Error).message}`),
    });
    const post = () =>
      app?.inject({
        method: "POST",
        url: "/api/inspect",
        headers: { ...HOST, authorization: `Bearer ${TOKEN}` },
        payload: { text: "abc" },
      });
    const failed = await post();
    expect(failed?.statusCode).toBe(500);
    expect(failed?.json()).toEqual({ error: "internal error" });
    expect(logged).toEqual(["POST /api/inspect: cannot read abc"]);
    throwing = false;
    const next = await post();
    expect([next?.statusCode, next?.json()]).toEqual([200, { read: 3 }]);
    expect(logged).toHaveLength(1);
  });
});

describe("the token's hand-over by POST", () => {
  const form = (token: string) => ({
    method: "POST" as const,
    url: "/",
    headers: { ...HOST, "content-type": "application/x-www-form-urlencoded" },
    payload: `token=${encodeURIComponent(token)}`,
  });

  async function handOverServer(): Promise<{ s: FastifyInstance; handed: () => number }> {
    let handed = 0;
    app = await createInspectServer({
      token: TOKEN,
      assets,
      profiles: async () => [],
      inspect: async (text) => ({ read: text.length }),
      handedOver: () => handed++,
    });
    return { s: app, handed: () => handed };
  }

  it("answers the right token with the page and an HttpOnly, SameSite=Strict cookie named for the port", async () => {
    const { s, handed } = await handOverServer();
    const answer = await s.inject(form(TOKEN));
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('<html data-profiles="[]"></html>');
    expect(answer.headers["set-cookie"]).toBe(`sinch-ticket-inspect-0=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    expect(answer.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(handed()).toBe(1);
    // The cookie is then enough for the page and its API.
    const cookie = { ...HOST, cookie: `other=1; sinch-ticket-inspect-0=${TOKEN}` };
    expect((await s.inject({ url: "/api/profiles", headers: cookie })).statusCode).toBe(200);
    expect((await s.inject({ url: "/", headers: cookie })).statusCode).toBe(200);
    const post = await s.inject({ method: "POST", url: "/api/inspect", headers: cookie, payload: { text: "ab" } });
    expect(post.json()).toEqual({ read: 2 });
  });

  it("refuses a wrong token (no cookie set), and a cookie of another port or with another value", async () => {
    const { s, handed } = await handOverServer();
    for (const wrong of ["", "x".repeat(32), `${TOKEN}x`, TOKEN.slice(1)]) {
      const answer = await s.inject(form(wrong));
      expect(answer.statusCode).toBe(403);
      expect(answer.headers["set-cookie"]).toBeUndefined();
    }
    expect(handed()).toBe(0);
    for (const cookie of [`sinch-ticket-inspect-1=${TOKEN}`, `sinch-ticket-inspect-0=${"x".repeat(32)}`]) {
      expect((await s.inject({ url: "/api/profiles", headers: { ...HOST, cookie } })).statusCode).toBe(401);
    }
    // The form parser is the hand-over's only: the API takes JSON alone.
    const api = await s.inject({
      method: "POST",
      url: `/api/inspect?token=${TOKEN}`,
      headers: { ...HOST, "content-type": "application/x-www-form-urlencoded" },
      payload: "text=ab",
    });
    expect(api.statusCode).toBe(415);
  });
});
