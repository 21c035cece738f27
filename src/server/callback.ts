import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MAX_REQUEST_BYTES, type ParsedRequest } from "../core/request/parse.js";
import { createApp } from "./app.js";

/** What the receiver learnt about one request, for its log line. */
export interface Received {
  request: ParsedRequest;
  /** The backend's status (or the answer's, without a backend); null when it could not be reached. */
  status: number | null;
  /** Why the backend could not be reached. */
  error?: string;
}

export interface CallbackServerOptions {
  /** Passes each request on to this URL's origin, its path put before the request's. */
  forwardTo: URL | null;
  /** Called once per request, after it was answered. */
  received: (received: Received) => void;
  /** How long the backend may keep a request without a byte moving (default 30 s): then 502. */
  backendTimeoutMs?: number;
}

/** Hop-by-hop headers, which belong to one connection and are not passed on. */
const HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
  "content-length",
]);

function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

/**
 * The local receiver of `callback listen`, on the same stack as `serve` and `inspect`:
 * every method and path, bodies up to 1 MB kept as bytes, each request handed to
 * `received` with the verdict made by the caller; passed on byte for byte when a backend
 * is given, and the backend's answer returned as it came.
 */
export async function createCallbackServer(options: CallbackServerOptions): Promise<FastifyInstance> {
  const app = createApp({ bodyTypes: "any body (it is passed on as bytes)" });
  const forward = options.forwardTo;
  const secure = forward?.protocol === "https:";
  // Set on the agent, not on each request: the sockets keep it, so no request pays for
  // setting and clearing it (a request whose socket stays idle that long fails with a 502).
  const agentOptions = { keepAlive: true, timeout: options.backendTimeoutMs ?? 30_000 };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const hostname = forward?.hostname.replace(/^\[|\]$/g, "");
  const prefix = forward ? forward.pathname.replace(/\/$/, "") : "";
  app.addHook("onClose", async () => agent.destroy());

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_REQUEST_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status =
        error.statusCode === 413 ? 413 : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      reply.code(status).send({ error: status === 413 ? "request body larger than 1 MB" : "cannot read this request" });
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.raw;
      const url = raw.url ?? "/";
      const at = url.indexOf("?");
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers = headerPairs(raw.rawHeaders);
      const parsed: ParsedRequest = {
        kind: "http",
        method: raw.method ?? "POST",
        path: at === -1 ? url : url.slice(0, at),
        query: at === -1 ? null : url.slice(at + 1),
        headers,
        body,
        notes: [],
      };
      if (!forward) {
        reply.code(200).send({});
        options.received({ request: parsed, status: 200 });
        return reply;
      }
      const answer = await pass(parsed, url, headers, body).catch((error: Error) => error);
      if (answer instanceof Error) {
        const reason = (answer as NodeJS.ErrnoException).code ?? answer.message;
        reply.code(502).send({ error: `the backend could not be reached (${reason})` });
        options.received({ request: parsed, status: null, error: reason });
        return reply;
      }
      // The backend's answer goes out as it came (its header names as it wrote them),
      // written straight to the response: Fastify's reply would only copy it again.
      reply.hijack();
      const back: string[] = [];
      for (let i = 0; i + 1 < answer.headers.length; i += 2) {
        const name = answer.headers[i] as string;
        if (!HOP.has(name.toLowerCase())) back.push(name, answer.headers[i + 1] as string);
      }
      back.push("content-length", String(answer.body.length));
      reply.raw.writeHead(answer.status, back);
      reply.raw.end(answer.body);
      options.received({ request: parsed, status: answer.status });
    };
    scope.all("/*", handler);
    scope.all("/", handler);
  });

  const pass = (parsed: ParsedRequest, url: string, headers: [string, string][], body: Buffer) =>
    new Promise<{ status: number; headers: string[]; body: Buffer }>((resolve, reject) => {
      const out: string[] = [];
      for (const [name, value] of headers) if (!HOP.has(name.toLowerCase())) out.push(name, value);
      if (body.length > 0 || parsed.method === "POST" || parsed.method === "PUT")
        out.push("content-length", String(body.length));
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(
        {
          protocol: forward?.protocol,
          hostname,
          port: forward?.port,
          method: parsed.method,
          path: `${prefix}${url}`,
          headers: out,
          agent,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (c: Buffer) => chunks.push(c));
          incoming.on("end", () =>
            resolve({ status: incoming.statusCode ?? 502, headers: incoming.rawHeaders, body: Buffer.concat(chunks) }),
          );
          incoming.on("error", reject);
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  return app;
}
