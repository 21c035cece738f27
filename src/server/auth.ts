import cors from "@fastify/cors";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import bcrypt from "bcryptjs";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { createApp } from "./app.js";
import { BcryptPool } from "./bcrypt-pool.js";
import type { Users } from "./htpasswd.js";

export const AUTH_PATH = "/api/auth";
/** Failed logins allowed for one username from one address per window, then 429. */
export const FAILURES_ALLOWED = 5;
export const FAILURE_WINDOW_MS = 60_000;

export interface AuthServerOptions {
  /** The users, read again on SIGHUP; null accepts any user with any password. */
  users: () => Users | null;
  /** The answer for a user who logged in: `{userTicket}` or `{token}`. Throws for a bad name. */
  sign: (username: string) => Record<string, string>;
  /** Origins allowed to call from a browser (`*` for any); none: no CORS headers. */
  cors: string[];
  log: (lines: string) => void;
  /** The worker script for password checks (none: checks run in-process). */
  bcryptWorker: string | null;
}

interface Login {
  username?: string;
  password?: string;
}

const field = { type: "string", maxLength: 1024 } as const;
const loginSchema = { type: "object", properties: { username: field, password: field } } as const;
/** The tutorial sends no body at all: the name and password are in the query string. */
const bodySchema = { ...loginSchema, type: ["object", "null"] } as const;
const errorSchema = { type: "object", properties: { error: { type: "string" } }, required: ["error"] } as const;

/** bcrypt's answer for a user that does not exist, after as long as for one that does. */
function dummyHash(cost: number): string {
  return bcrypt.hashSync("not a password of anyone", Math.max(cost, 4));
}

/**
 * The `SinchAuthController` of Sinch's delegated-security tutorial: POST /api/auth with a
 * username and password (query string, form or JSON) answers `{"userTicket": "..."}`.
 */
export async function createAuthServer(options: AuthServerOptions): Promise<FastifyInstance> {
  const app = createApp({ log: options.log });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  if (options.cors.length > 0) {
    await app.register(cors, {
      origin: options.cors.includes("*") ? "*" : options.cors,
      methods: ["POST"],
      allowedHeaders: ["Content-Type"],
      maxAge: 600,
    });
  }
  await app.register(rateLimit, { global: false });
  const loginKey = new WeakMap<FastifyRequest, string>();
  const failures = app.createRateLimit({
    max: FAILURES_ALLOWED,
    timeWindow: FAILURE_WINDOW_MS,
    keyGenerator: (request) => `${request.ip}\n${loginKey.get(request) ?? ""}`,
  });
  let dummy: { cost: number; hash: string } | null = null;
  const pool = new BcryptPool(options.bcryptWorker);
  app.addHook("onClose", () => pool.close());

  const passwordMatches = async (users: Users, username: string, password: string): Promise<boolean> => {
    const hash = users.hashes.get(username);
    if (hash !== undefined) return pool.compare(password, hash);
    if (dummy?.cost !== users.cost) dummy = { cost: users.cost, hash: dummyHash(users.cost) };
    await pool.compare(password, dummy.hash);
    return false;
  };

  const sign = options.sign;
  app.route<{ Querystring: Login; Body: Login | undefined }>({
    method: "POST",
    url: AUTH_PATH,
    schema: {
      querystring: loginSchema,
      body: bodySchema,
      response: {
        200: { type: "object", additionalProperties: { type: "string" } },
        "4xx": errorSchema,
      },
    },
    handler: async (request, reply) => {
      const username = request.body?.username ?? request.query.username;
      const password = request.body?.password ?? request.query.password;
      if (username === undefined || password === undefined || username === "") {
        return reply.code(400).send({ error: "username and password are required" });
      }
      let answer: Record<string, string>;
      try {
        answer = sign(username);
      } catch (error) {
        return reply.code(400).send({ error: `not a valid user name: ${(error as Error).message}` });
      }
      const users = options.users();
      if (users === null) {
        // --any-user: no password can be wrong, so there are no failures to count.
        request.identity = username;
        return answer;
      }
      loginKey.set(request, username);
      const status = await failures(request, { increment: false });
      if (!status.isAllowed && status.remaining === 0) {
        reply.header("retry-after", String(Math.max(1, status.ttlInSeconds)));
        return reply.code(429).send({ error: "too many failed logins for this user: try again later" });
      }
      if (!(await passwordMatches(users, username, password))) {
        await failures(request);
        return reply.code(403).send({ error: "unknown user or wrong password" });
      }
      request.identity = username;
      return answer;
    },
  });
  app.route({
    method: ["GET", "PUT", "DELETE", "PATCH", ...(options.cors.length > 0 ? [] : ["OPTIONS"])],
    url: AUTH_PATH,
    handler: async (_request, reply) => reply.code(405).header("allow", "POST").send({ error: "use POST" }),
  });
  return app;
}
