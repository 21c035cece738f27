import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { equalBytes } from "../core/compare.js";
import { createApp } from "./app.js";

/** The page's files, read once at start. */
export interface PageAssets {
  html: string;
  script: string;
  style: string;
}

export interface InspectServerOptions {
  /** The random token of this run: every page and API request must carry it. */
  token: string;
  assets: PageAssets;
  /** The profile names (and keys) the page may offer; never a secret. */
  profiles: () => Promise<unknown>;
  /** Decodes, and verifies with the profile's credentials (null: the command's own). */
  inspect: (text: string, profile: string | null, verify: boolean) => Promise<unknown>;
  /** Called once the token has been handed over by POST (the hand-over file can go). */
  handedOver?: () => void;
  /** Told of what a request threw (answered 500 in the one error shape; the server goes on). */
  internalError?: (error: unknown, method: string, path: string) => void;
}

/**
 * Headers on every answer: nothing cached, nothing framed, no script but our own.
 *
 * No Cross-Origin-Opener-Policy: it guards a page's window from pages it opens or that
 * open it, and this page opens none, while a page that could open it must already know
 * the token. It is not free: Chromium learns of it only from the response, and must then
 * start a fresh renderer process for the page, which made the page's first load take
 * about twice as long as without it (`npm run bench`, section page).
 */
const HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
};

/** Whether `given` is the run's token: SHA-256 digests compared in constant time. */
function isToken(given: unknown, token: string): boolean {
  if (typeof given !== "string") return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return equalBytes(digest(given), digest(token));
}

/**
 * The name of the cookie the page's hand-over sets. Cookies do not keep ports apart: the
 * port in the name keeps a second `inspect` (or another local server) from reading or
 * overwriting this one's.
 */
export function tokenCookieName(port: number): string {
  return `sinch-ticket-inspect-${port}`;
}

/** The value of cookie `name` in a Cookie header, if there is one. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** The token from `?token=`, `Authorization: Bearer` or the hand-over's cookie. */
function carriesToken(request: FastifyRequest, token: string, port: number): boolean {
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  const cookie = cookieValue(request.headers.cookie, tokenCookieName(port));
  return [query, header, cookie].some((given) => given !== undefined && isToken(given, token));
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[c] as string);
}

const REFUSED_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>sinch-ticket inspect</title>
<p>This page needs the address <code>sinch-ticket inspect</code> printed: it carries a token made for that run.</p></html>`;

/**
 * The local server of `sinch-ticket inspect`: the page and its API, on the same stack as
 * `serve`. Only requests addressed to 127.0.0.1 or localhost on its own port are answered
 * (no DNS rebinding); the page and the API need the run's token; no CORS headers.
 */
export async function createInspectServer(options: InspectServerOptions): Promise<FastifyInstance> {
  const app = createApp({
    log: () => {},
    bodyTypes: "JSON (application/json)",
    ...(options.internalError ? { internalError: options.internalError } : {}),
  });
  const port = () => {
    const address = app.server.address();
    return typeof address === "object" && address ? address.port : 0;
  };

  app.addHook("onRequest", async (request, reply) => {
    for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
    const host = (request.headers.host ?? "").toLowerCase();
    if (host !== `127.0.0.1:${port()}` && host !== `localhost:${port()}`) {
      return reply.code(403).send({ error: "this server answers only requests to 127.0.0.1 or localhost" });
    }
    const open = request.method === "GET" && (request.url.startsWith("/app.js") || request.url.startsWith("/app.css"));
    // The hand-over POST carries the token in its body: checked by its route.
    const handOver = request.method === "POST" && request.url === "/";
    if (!open && !handOver && !carriesToken(request, options.token, port())) {
      if (request.method === "GET" && request.url.split("?")[0] === "/") {
        return reply.code(403).type("text/html; charset=utf-8").send(REFUSED_PAGE);
      }
      return reply.code(401).send({ error: "missing or wrong token: use the URL sinch-ticket inspect printed" });
    }
    return undefined;
  });

  const send = (type: string, body: string) => (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).send(body);
  // The profiles go in the page itself (an attribute, not a script): one round trip less
  // before the page can be used.
  const page = async () => {
    const profiles = escapeAttribute(JSON.stringify(await options.profiles()));
    return options.assets.html.replace('data-profiles=""', `data-profiles="${profiles}"`);
  };
  app.get("/", async (_request, reply) => {
    reply.type("text/html; charset=utf-8").send(await page());
  });
  // The hand-over: the browser is opened on a local file whose form POSTs the token here,
  // so that it is in no URL the browser records and on no command line. The answer is the
  // page itself, with the token in an HttpOnly, SameSite=Strict cookie for the page's API
  // calls. Only the right token is taken (a page elsewhere cannot plant another).
  app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 1024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.post("/", async (request, reply) => {
      const given = (request.body as Record<string, unknown> | undefined)?.token;
      if (!isToken(given, options.token)) {
        return reply.code(403).type("text/html; charset=utf-8").send(REFUSED_PAGE);
      }
      options.handedOver?.();
      return reply
        .header("set-cookie", `${tokenCookieName(port())}=${options.token}; Path=/; HttpOnly; SameSite=Strict`)
        .type("text/html; charset=utf-8")
        .send(await page());
    });
  });
  app.get("/app.js", send("text/javascript; charset=utf-8", options.assets.script));
  app.get("/app.css", send("text/css; charset=utf-8", options.assets.style));
  app.get("/api/profiles", async () => options.profiles());
  app.post(
    "/api/inspect",
    {
      schema: {
        body: {
          type: "object",
          required: ["text"],
          additionalProperties: false,
          properties: {
            text: { type: "string", maxLength: 12000 },
            profile: { type: ["string", "null"], maxLength: 200 },
            verify: { type: "boolean" },
          },
        },
      },
    },
    async (request) => {
      const body = request.body as { text: string; profile?: string | null; verify?: boolean };
      return options.inspect(body.text, body.profile ?? null, body.verify !== false);
    },
  );
  return app;
}
