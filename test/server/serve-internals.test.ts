import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthServer } from "../../src/server/auth.js";
import { FailureLimit } from "../../src/server/failure-limit.js";
import { HtpasswdError, parseHtpasswd, type Users } from "../../src/server/htpasswd.js";
import { createInspectServer } from "../../src/server/inspect.js";
import { requireBuild } from "../helpers/bin.js";

// The parts of `serve` and `inspect` that are best seen from inside: the failed-login
// limit's bookkeeping, where bcrypt runs, and the messages of the servers' own errors.

describe("the failed-login limit", () => {
  it("counts an attempt as it starts, and gives it back when the password was right", () => {
    const limit = new FailureLimit(5, 60_000, 100, () => 0);
    const attempts = Array.from({ length: 8 }, () => limit.attempt("a"));
    expect(attempts.map((a) => a.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    const first = attempts[0];
    if (first?.allowed) first.succeeded();
    expect(limit.attempt("a").allowed).toBe(true);
    expect(limit.attempt("a")).toEqual({ allowed: false, status: 429, retryAfterSeconds: 60 });
  });

  it("never forgets a lock for other keys: when full, new keys are refused until windows end", () => {
    let now = 0;
    const limit = new FailureLimit(5, 60_000, 1000, () => now);
    for (let i = 0; i < 5; i++) limit.attempt("locked");
    now = 1000;
    for (let i = 0; i < 999; i++) expect(limit.attempt(`other-${i}`).allowed).toBe(true);
    expect(limit.attempt("one-too-many")).toEqual({ allowed: false, status: 503, retryAfterSeconds: 59 });
    expect(limit.attempt("locked")).toMatchObject({ allowed: false, status: 429 });
    expect(limit.size).toBe(1000);
    // The lock's window ends first, then the others'.
    now = 60_000;
    expect(limit.attempt("locked").allowed).toBe(true);
    now = 61_000;
    expect(limit.attempt("new").allowed).toBe(true);
    expect(limit.size).toBe(2);
  });
});

describe("bcrypt only on worker threads", () => {
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  afterEach(() => {
    for (const s of spies.splice(0)) s.mockRestore();
  });

  it("makes the dummy hash for unknown users without bcrypt work on the main thread, at start and after a reload", async () => {
    requireBuild();
    const worker = fileURLToPath(new URL("../../dist/bcrypt-worker.cjs", import.meta.url));
    const entry = (cost: number) => `alice:${bcrypt.hashSync("right", cost)}`;
    let users: Users = parseHtpasswd(entry(5), "users");
    const reloaded = parseHtpasswd(entry(6), "users");
    for (const name of ["hashSync", "hash", "compareSync", "compare"] as const) {
      spies.push(vi.spyOn(bcrypt, name));
    }
    const app = await createAuthServer({
      users: () => users,
      sign: (name) => ({ userTicket: name }),
      cors: [],
      log: () => {},
      bcryptWorker: worker,
    });
    const login = (username: string, password: string) =>
      app.inject({ method: "POST", url: `/api/auth?username=${username}&password=${password}` });
    expect((await login("mallory", "x")).statusCode).toBe(403);
    expect((await login("alice", "right")).statusCode).toBe(200);
    users = reloaded;
    expect((await login("mallory", "y")).statusCode).toBe(403);
    await app.close();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe("messages of the servers' own errors", () => {
  it("names a malformed bcrypt entry without doubling the article", () => {
    expect(() => parseHtpasswd("alice:$2y$10$tooshort\n", "users")).toThrow(HtpasswdError);
    expect(() => parseHtpasswd("alice:$2y$10$tooshort\n", "users")).toThrow(
      "users line 1: user 'alice' has a malformed bcrypt entry; only bcrypt is accepted (create it with htpasswd -B)",
    );
  });

  it("inspect's 415 names only what it accepts (JSON)", async () => {
    const app = await createInspectServer({
      token: "t",
      assets: { html: "", script: "", style: "" },
      profiles: async () => ({}),
      inspect: async () => ({}),
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as { port: number };
    const r = await fetch(`http://127.0.0.1:${port}/api/inspect`, {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/x-www-form-urlencoded" },
      body: "text=abc",
    });
    await app.close();
    expect(r.status).toBe(415);
    const { error } = (await r.json()) as { error: string };
    expect(error).toBe("unsupported body type: send JSON (application/json)");
  });
});
