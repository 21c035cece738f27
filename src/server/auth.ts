import cors from "@fastify/cors";
import formbody from "@fastify/formbody";
import bcrypt from "bcryptjs";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { TicketError } from "../core/errors.js";
import { addressKey } from "./address.js";
import { createApp } from "./app.js";
import { BcryptPool } from "./bcrypt-pool.js";
import { FailureLimit, type Outcome, type Refusal } from "./failure-limit.js";
import type { Users } from "./htpasswd.js";
import { LoginQueue } from "./login-queue.js";

export const AUTH_PATH = "/api/auth";
/** Failed logins allowed for one username from one address per window, then 429. */
export const FAILURES_ALLOWED = 5;
export const FAILURE_WINDOW_MS = 60_000;

/**
 * The numbers that keep one address from harming another's logins (see FailureLimit and
 * LoginQueue). An address is an IPv4 address or an IPv6 /64.
 */
export interface AuthLimits {
  /** Failed logins per username and address in `failureWindowMs`, then 429. */
  failuresAllowed: number;
  failureWindowMs: number;
  /** Username pairs one address may have in the failure table; past it, 429 for its new names. */
  pairsPerAddress: number;
  /** Pairs in the table, all addresses together: a bound on memory only (503 beyond). */
  pairs: number;
  /** Distinct usernames that may fail from one address in `sprayWindowMs`; past it, 429 for that address. */
  namesFailingPerAddress: number;
  sprayWindowMs: number;
  /** Logins one address may have waiting for or in a password check; a next one is 429 unchecked. */
  queuedPerAddress: number;
  /** Password checks run at once (default: one per bcrypt thread). */
  checksAtOnce: number;
}

export const AUTH_LIMITS: Omit<AuthLimits, "checksAtOnce"> = {
  failuresAllowed: FAILURES_ALLOWED,
  failureWindowMs: FAILURE_WINDOW_MS,
  pairsPerAddress: 1_000,
  pairs: 100_000,
  namesFailingPerAddress: 20,
  sprayWindowMs: 15 * 60_000,
  queuedPerAddress: 8,
};

/** What checks a password against a bcrypt hash (the worker pool; a stand-in in tests). */
export interface Hasher {
  compare(password: string, hash: string): Promise<boolean>;
  /** The server is stopping: checks not yet answered fail with CutShort. */
  close(): Promise<void>;
}

/** The answer to a refused attempt, by why it was refused. */
const REFUSALS: Record<Refusal, string> = {
  user: "too many failed logins for this user: try again later",
  share: "too many user names tried from this address: try again later",
  spraying: "too many user names failed from this address: try again later",
  full: "too many logins being counted: try again later",
};

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
  /** Checks passwords instead of a pool of bcryptWorker threads. */
  hasher?: Hasher;
  /** Other numbers than AUTH_LIMITS. */
  limits?: Partial<AuthLimits>;
  /** The clock of the failure limit (ms). */
  now?: () => number;
}

interface Login {
  username?: string;
  password?: string;
}

const JSON_TYPE = "application/json; charset=utf-8";
const field = { type: "string", maxLength: 1024 } as const;
const loginSchema = { type: "object", properties: { username: field, password: field } } as const;
/** The tutorial sends no body at all: the name and password are in the query string. */
const bodySchema = { ...loginSchema, type: ["object", "null"] } as const;
const errorSchema = { type: "object", properties: { error: { type: "string" } }, required: ["error"] } as const;

/**
 * The hash an unknown user's password is checked against: a random salt and a random
 * digest at the file's highest cost. Checking a password against it costs the same work
 * as against a real entry (the cost is in the hash), and never matches; making it costs
 * no bcrypt work at all, so nothing of bcrypt runs outside the pool's workers.
 */
function dummyHash(cost: number): string {
  const random = new Uint8Array(23);
  crypto.getRandomValues(random);
  return bcrypt.genSaltSync(Math.max(cost, 4)) + bcrypt.encodeBase64(random, 23);
}

/**
 * The `SinchAuthController` of Sinch's delegated-security tutorial: POST /api/auth with a
 * username and password (query string, form or JSON) answers `{"userTicket": "..."}`.
 */
export async function createAuthServer(options: AuthServerOptions): Promise<FastifyInstance> {
  const app = createApp({ log: options.log, bodyTypes: "JSON or a form (application/x-www-form-urlencoded)" });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  if (options.cors.length > 0) {
    // An OPTIONS that is no preflight gets the one error shape, not the plugin's text.
    app.addHook("onRequest", (request, reply, done) => {
      if (
        request.method !== "OPTIONS" ||
        (request.headers.origin && request.headers["access-control-request-method"])
      ) {
        return done();
      }
      reply.code(400).send({ error: "a CORS preflight needs Origin and Access-Control-Request-Method headers" });
    });
    await app.register(cors, {
      origin: options.cors.includes("*") ? "*" : options.cors,
      methods: ["POST"],
      allowedHeaders: ["Content-Type"],
      maxAge: 600,
    });
  }
  const pool = options.hasher ? null : new BcryptPool(options.bcryptWorker);
  const hasher: Hasher = options.hasher ?? (pool as BcryptPool);
  app.addHook("onClose", () => hasher.close());
  const limits: AuthLimits = { ...AUTH_LIMITS, checksAtOnce: pool?.size ?? 1, ...options.limits };
  const failures = new FailureLimit({
    allowed: limits.failuresAllowed,
    windowMs: limits.failureWindowMs,
    maxEntries: limits.pairs,
    pairsPerAddress: limits.pairsPerAddress,
    namesFailing: limits.namesFailingPerAddress,
    sprayWindowMs: limits.sprayWindowMs,
    ...(options.now ? { now: options.now } : {}),
  });
  const queue = new LoginQueue(limits.checksAtOnce, limits.queuedPerAddress);
  // A browser always says which page sent a request (Origin); scripts send none. A page
  // of an origin not given with --cors may not log in at all, not even to fail and lock a
  // user out: without --cors that is every page (serve serves none, and without CORS
  // headers no page could read the answer anyway, but a form's POST would still count).
  const origins = options.cors.includes("*") ? null : new Set(options.cors);
  const refuseOrigin: onRequestHookHandler | undefined =
    origins === null
      ? undefined
      : (request, reply, done) => {
          const origin = request.headers.origin;
          if (origin === undefined || origins.has(origin)) return done();
          reply.code(403).send({
            error:
              origins.size === 0
                ? "a browser page may not log in here: start serve with --cors <origin> for it"
                : "this origin may not log in here: only those given with --cors",
          });
        };
  const makeDummy = (cost: number) => ({ cost, hash: dummyHash(cost) });
  const startUsers = options.users();
  let dummy = startUsers ? makeDummy(startUsers.cost) : null;

  const passwordMatches = async (users: Users, username: string, password: string): Promise<boolean> => {
    const hash = users.hashes.get(username);
    if (hash !== undefined) return hasher.compare(password, hash);
    // After a reload with another highest cost, a dummy of that cost.
    if (dummy?.cost !== users.cost) dummy = makeDummy(users.cost);
    await hasher.compare(password, dummy.hash);
    return false;
  };

  const sign = options.sign;
  const login = async (
    request: FastifyRequest,
    reply: FastifyReply,
    users: Users,
    username: string,
    password: string,
    answer: Record<string, string>,
  ): Promise<FastifyReply> => {
    // The attempt holds its place from now, before the password is judged: parallel
    // guesses cannot all pass the limit while the first ones are being checked.
    const address = addressKey(request.ip);
    const attempt = await failures.attempt(address, username);
    if (!attempt.allowed) {
      reply.header("retry-after", String(attempt.retryAfterSeconds));
      return reply.code(attempt.status).send({ error: REFUSALS[attempt.reason] });
    }
    let outcome: Outcome = "unjudged";
    try {
      // In this address's turn: one address cannot hold up another's logins.
      const check = queue.run(address, () => passwordMatches(users, username, password));
      if (check === null) {
        reply.header("retry-after", "1");
        return reply.code(429).send({ error: "too many logins from this address at once: try again in a moment" });
      }
      outcome = (await check) ? "right" : "wrong";
    } finally {
      attempt.end(outcome);
    }
    if (outcome === "wrong") return reply.code(403).send({ error: "unknown user or wrong password" });
    request.identity = username;
    // Written as it is: a schema-driven serializer adds work without adding safety here.
    return reply.type(JSON_TYPE).send(JSON.stringify(answer));
  };
  app.route<{ Querystring: Login; Body: Login | undefined }>({
    method: "POST",
    url: AUTH_PATH,
    ...(refuseOrigin ? { onRequest: refuseOrigin } : {}),
    schema: {
      querystring: loginSchema,
      body: bodySchema,
      response: {
        "4xx": errorSchema,
        "5xx": errorSchema,
      },
    },
    // Not async: --any-user answers without a promise; a password check is awaited below.
    handler: (request, reply) => {
      const username = request.body?.username ?? request.query.username;
      const password = request.body?.password ?? request.query.password;
      if (username === undefined || password === undefined || username === "") {
        return reply.code(400).send({ error: "username and password are required" });
      }
      let answer: Record<string, string>;
      try {
        answer = sign(username);
      } catch (error) {
        // A name the signer refuses; anything else it throws is the server's own failure (500).
        if (!(error instanceof TicketError)) throw error;
        return reply.code(400).send({ error: `not a valid user name: ${error.message}` });
      }
      const users = options.users();
      if (users === null) {
        // --any-user: no password can be wrong, so there are no failures to count.
        request.identity = username;
        return reply.type(JSON_TYPE).send(JSON.stringify(answer));
      }
      return login(request, reply, users, username, password, answer);
    },
  });
  app.route({
    method: ["GET", "PUT", "DELETE", "PATCH", ...(options.cors.length > 0 ? [] : ["OPTIONS"])],
    url: AUTH_PATH,
    handler: async (_request, reply) => reply.code(405).header("allow", "POST").send({ error: "use POST" }),
  });
  return app;
}
