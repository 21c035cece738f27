/**
 * The routes of `serve`'s server, answered in-process with Fastify's inject (no socket, no
 * process): the binary-level tests in test/e2e/serve.test.ts run the same server for real.
 */
import bcrypt from "bcryptjs";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { authSigner } from "../../src/cli/commands/serve/run.js";
import { decodeRegistrationToken, decodeTicket, verifyTicket } from "../../src/index.js";
import { AUTH_PATH, createAuthServer, FAILURES_ALLOWED } from "../../src/server/auth.js";
import { parseHtpasswd } from "../../src/server/htpasswd.js";
import { KEY, NOW, SECRET } from "../helpers/constants.js";

const users = parseHtpasswd(`alice:${bcrypt.hashSync("wonderland", 4)}\n`, "users.htpasswd");
const ticketSigner = authSigner({ format: "ticket", type: "username", style: "dotnet" }, KEY, SECRET, 600, () => NOW);

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function server(options: Partial<Parameters<typeof createAuthServer>[0]> = {}): Promise<FastifyInstance> {
  app = await createAuthServer({
    users: () => users,
    sign: ticketSigner,
    cors: [],
    log: () => {},
    bcryptWorker: null,
    ...options,
  });
  return app;
}

describe("POST /api/auth", () => {
  it("answers a ticket for the user's name and password, from a query string, a form or JSON", async () => {
    const s = await server();
    const answers = [
      await s.inject({ method: "POST", url: `${AUTH_PATH}?username=alice&password=wonderland` }),
      await s.inject({
        method: "POST",
        url: AUTH_PATH,
        payload: "username=alice&password=wonderland",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      await s.inject({ method: "POST", url: AUTH_PATH, payload: { username: "alice", password: "wonderland" } }),
    ];
    for (const r of answers) {
      expect(r.statusCode).toBe(200);
      const { userTicket } = r.json() as { userTicket: string };
      expect(decodeTicket(userTicket).identity).toEqual({ type: "username", endpoint: "alice" });
      expect(verifyTicket(userTicket, { applicationSecret: SECRET, applicationKey: KEY, now: NOW }).valid).toBe(true);
    }
  });

  it("answers a registration token when the signer makes them", async () => {
    const s = await server({
      sign: authSigner({ format: "jwt", type: "username", style: "dotnet" }, KEY, SECRET, 3600, () => NOW),
    });
    const r = await s.inject({
      method: "POST",
      url: AUTH_PATH,
      payload: { username: "alice", password: "wonderland" },
    });
    expect(r.statusCode).toBe(200);
    expect(decodeRegistrationToken((r.json() as { token: string }).token).userId).toBe("alice");
  });

  it("answers each error with its status and a JSON error", async () => {
    const s = await server();
    const cases: [InjectOptions, number, RegExp][] = [
      [{ method: "POST", url: AUTH_PATH }, 400, /username and password are required/],
      [{ method: "POST", url: AUTH_PATH, payload: { username: "", password: "x" } }, 400, /required/],
      [
        { method: "POST", url: AUTH_PATH, payload: { username: "a\u0007b", password: "x" } },
        400,
        /not a valid user name/,
      ],
      [{ method: "POST", url: AUTH_PATH, payload: { username: "alice", password: "wrong" } }, 403, /wrong password/],
      [{ method: "POST", url: AUTH_PATH, payload: { username: "bob", password: "wonderland" } }, 403, /unknown user/],
      [{ method: "POST", url: AUTH_PATH, payload: { username: "x".repeat(1025), password: "x" } }, 400, /.+/],
      [{ method: "GET", url: AUTH_PATH }, 405, /use POST/],
    ];
    for (const [request, status, error] of cases) {
      const r = await s.inject(request);
      expect(r.statusCode, JSON.stringify(request)).toBe(status);
      expect((r.json() as { error: string }).error).toMatch(error);
    }
    expect((await s.inject({ method: "GET", url: AUTH_PATH })).headers.allow).toBe("POST");
  });

  it("answers a signer's own failure with 500, never as a bad name or with its message", async () => {
    for (const list of [null, users]) {
      const s = await server({
        users: () => list,
        sign: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'secret')");
        },
      });
      const r = await s.inject({ method: "POST", url: `${AUTH_PATH}?username=alice&password=wonderland` });
      expect([r.statusCode, r.json()]).toEqual([500, { error: "internal error" }]);
      expect((await s.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      await s.close();
    }
  });

  it("refuses a JSON name or password that is not a string with 400, never signing a coerced one", async () => {
    // With any user accepted, a coerced {"username": 123} would get a ticket for "123".
    for (const s of [await server({ users: () => null }), await server()]) {
      const cases: [object, string][] = [
        [{ username: 123, password: "wonderland" }, "invalid request: body/username must be string"],
        [{ username: ["alice"], password: "wonderland" }, "invalid request: body/username must be string"],
        [{ username: "alice", password: 1234 }, "invalid request: body/password must be string"],
        [{ username: "alice", password: true }, "invalid request: body/password must be string"],
      ];
      for (const [payload, error] of cases) {
        const r = await s.inject({ method: "POST", url: AUTH_PATH, payload });
        expect([r.statusCode, r.json()], JSON.stringify(payload)).toEqual([400, { error }]);
      }
      await s.close();
    }
  });

  it(`answers 429 with Retry-After after ${FAILURES_ALLOWED} failed logins for one user`, async () => {
    const s = await server();
    const wrong = { method: "POST" as const, url: AUTH_PATH, payload: { username: "alice", password: "wrong" } };
    for (let i = 0; i < FAILURES_ALLOWED; i++) expect((await s.inject(wrong)).statusCode).toBe(403);
    const refused = await s.inject(wrong);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Another user from the same address is not held up.
    const other = await s.inject({ ...wrong, payload: { username: "bob", password: "x" } });
    expect(other.statusCode).toBe(403);
  });

  it("accepts any user with any password when there is no user file", async () => {
    const s = await server({ users: () => null });
    const r = await s.inject({ method: "POST", url: AUTH_PATH, payload: { username: "zoe", password: "" } });
    expect(r.statusCode).toBe(200);
    expect(decodeTicket((r.json() as { userTicket: string }).userTicket).identity.endpoint).toBe("zoe");
  });

  it("without --cors refuses every page's POST before any password, so no page can lock a user out", async () => {
    const s = await server();
    const fromPage = (origin: string, password: string) =>
      s.inject({ method: "POST", url: `${AUTH_PATH}?username=alice&password=${password}`, headers: { origin } });
    for (let i = 0; i < FAILURES_ALLOWED * 2; i++) {
      const r = await fromPage("http://evil.example", "guess");
      expect(r.statusCode).toBe(403);
      expect(r.json()).toEqual({
        error: "a browser page may not log in here: start serve with --cors <origin> for it",
      });
    }
    // Not even the right password from a page, nor a page with the opaque origin "null".
    expect((await fromPage("http://localhost:5173", "wonderland")).statusCode).toBe(403);
    expect((await fromPage("null", "wonderland")).statusCode).toBe(403);
    // Scripts and tests (no Origin header) log in as before, and alice is not locked.
    const r = await s.inject({ method: "POST", url: `${AUTH_PATH}?username=alice&password=wonderland` });
    expect(r.statusCode).toBe(200);
    await s.close();
    // --cors '*' lets any page in (the user chose it, with a warning).
    const any = await server({ cors: ["*"] });
    expect(
      (
        await any.inject({
          method: "POST",
          url: `${AUTH_PATH}?username=alice&password=wonderland`,
          headers: { origin: "http://anywhere.example" },
        })
      ).statusCode,
    ).toBe(200);
  });

  it("answers CORS preflight for the origins given only", async () => {
    const s = await server({ cors: ["http://localhost:5173"] });
    const preflight = (origin: string) =>
      s.inject({
        method: "OPTIONS",
        url: AUTH_PATH,
        headers: { origin, "access-control-request-method": "POST" },
      });
    const allowed = await preflight("http://localhost:5173");
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
    expect((await preflight("http://evil.example")).headers["access-control-allow-origin"]).toBeUndefined();
    const plain = await server();
    const r = await plain.inject({
      method: "POST",
      url: `${AUTH_PATH}?username=alice&password=wonderland`,
      headers: { origin: "http://localhost:5173" },
    });
    expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    await plain.close();
  });
});
