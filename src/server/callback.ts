import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MAX_REQUEST_BYTES, type ParsedRequest } from "../core/request/parse.js";
import { createApp, type Refusal, wasRefused } from "./app.js";

/** What the receiver learnt about one request, for its log line. */
export interface Received {
  request: ParsedRequest;
  /** The status the caller got (the backend's, or the receiver's own); null when it got none. */
  status: number | null;
  /** What the status does not say: the backend unreachable, an answer reset, a shutdown. */
  note?: string;
  /** Why the HTTP layer refused the request before it was read (400, 405, 408, 413, 431, 503). */
  refused?: string;
}

/** How much of the backends' answers the receiver held at most, in bytes (for tests and benches). */
export interface ForwardStats {
  maxBufferedBytes: number;
}

export interface CallbackServerOptions {
  /** Passes each request on to this URL's origin, its path put before the request's. */
  forwardTo: URL | null;
  /** Called once per request, after it was answered or refused. */
  received: (received: Received) => void;
  /** The total time a forwarded request may take, answer included (default 30 s). */
  backendTimeoutMs?: number;
  /** Filled in as answers pass, when given. */
  stats?: ForwardStats;
  /**
   * After a shutdown begins, how long forwarded requests may still take (default 4 s, within
   * the 5 s that stopping allows): then each gets 503, or a reset once bytes went out.
   */
  drainMs?: number;
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
]);

function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

function parsedRequest(method: string, url: string, rawHeaders: string[], body: Buffer): ParsedRequest {
  const at = url.indexOf("?");
  return {
    kind: "http",
    method,
    path: at === -1 ? url : url.slice(0, at),
    query: at === -1 ? null : url.slice(at + 1),
    headers: headerPairs(rawHeaders),
    body,
    notes: [],
  };
}

/** A JSON body type as Sinch sends it (any other goes through the routes). */
const JSON_TYPE = /^application\/json(\s*;\s*charset=(utf-8|"utf-8"))?$/i;
const UNREADABLE = Symbol("unreadable");

/** Whether a path's escapes decode (one that does not is refused by the routes: 400). */
function decodes(url: string): boolean {
  try {
    // The result is used: the build's minifier takes decodeURIComponent for free of side
    // effects and dropped a call whose result went unused, though it throws on a bad escape.
    return decodeURIComponent(url).length >= 0;
  } catch {
    return false;
  }
}

function uncork(response: ServerResponse): void {
  if (!response.writableEnded) response.uncork();
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * The local receiver of `callback listen`, on the same stack as `serve` and `inspect`:
 * every method and path, bodies up to 1 MB kept as bytes, each request handed to
 * `received` with the verdict made by the caller, refused ones included; passed on byte
 * for byte when a backend is given, and the backend's answer streamed back as it comes
 * (its pace set by the caller's reading: never held whole), within a total time limit.
 */
export async function createCallbackServer(options: CallbackServerOptions): Promise<FastifyInstance> {
  const refused = ({ method, url, rawHeaders, status, reason }: Refusal) =>
    options.received({
      request: parsedRequest(method, url, rawHeaders, Buffer.alloc(0)),
      status,
      refused: reason,
    });
  const forward = options.forwardTo;
  const app = createApp({
    bodyTypes: "any body (it is passed on as bytes)",
    refused,
    direct: forward ? (request, response) => direct(request, response) : undefined,
  });
  const limitMs = options.backendTimeoutMs ?? 30_000;
  const secure = forward?.protocol === "https:";
  const agentOptions = { keepAlive: true };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  // Sockets kept for the next request are closed once idle for the limit: a sweep that
  // closes those that were idle at the last one and wrote nothing since. (The agent's own
  // timeout sets one on every socket, and refreshing it on each read and write cost the
  // receiver a sixth of its requests under load.)
  let idle = new Map<Socket, number>();
  const idleSweep = setInterval(() => {
    const next = new Map<Socket, number>();
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of sockets ?? []) {
        if (idle.get(socket) === socket.bytesWritten) socket.destroy();
        else next.set(socket, socket.bytesWritten);
      }
    }
    idle = next;
  }, limitMs);
  idleSweep.unref();
  const hostname = forward?.hostname.replace(/^\[|\]$/g, "");
  const prefix = forward ? forward.pathname.replace(/\/$/, "") : "";
  const stats = options.stats;
  let closing = false;
  /** The forwarded requests in flight, each with its way to end early. */
  const inFlight = new Map<(status: number, message: string, note: string) => void, number>();
  // One timer looks at every forwarded request's deadline, not one timer a request: under
  // load a timer each costs the receiver's thread its allocation and its cancelling.
  const tickMs = Math.max(10, Math.min(250, Math.floor(limitMs / 4)));
  let sweeper: NodeJS.Timeout | null = null;
  const sweep = () => {
    const now = performance.now();
    for (const [giveUp, deadline] of inFlight) {
      if (deadline <= now) {
        giveUp(
          504,
          `the backend did not answer within ${seconds(limitMs)}`,
          `backend over its ${seconds(limitMs)} limit`,
        );
      }
    }
    if (inFlight.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = null;
    }
  };
  app.addHook("preClose", (done) => {
    closing = true;
    if (inFlight.size > 0) {
      const drain = setTimeout(() => {
        for (const giveUp of [...inFlight.keys()]) {
          giveUp(503, "the receiver is stopping: try again", "cut short by shutdown");
        }
      }, options.drainMs ?? 4_000);
      drain.unref();
      app.server.once("close", () => clearTimeout(drain));
    }
    done();
  });
  app.addHook("onClose", async () => {
    if (sweeper) clearInterval(sweeper);
    clearInterval(idleSweep);
    agent.destroy();
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_REQUEST_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    scope.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      if (wasRefused(request.raw)) return;
      const status =
        error.statusCode === 413 ? 413 : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      const reason = status === 413 ? "request body larger than 1 MB" : "cannot read this request";
      reply.code(status).send({ error: reason });
      const raw = request.raw;
      options.received({
        request: parsedRequest(raw.method ?? "-", raw.url ?? "/", raw.rawHeaders, Buffer.alloc(0)),
        status,
        refused: reason,
      });
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.raw;
      const url = raw.url ?? "/";
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const parsed = parsedRequest(raw.method ?? "POST", url, raw.rawHeaders, body);
      if (!forward) {
        reply.code(200).send({});
        options.received({ request: parsed, status: 200 });
        return reply;
      }
      // The answer is written straight to the response as it comes: Fastify's reply would
      // only hold or copy it.
      reply.hijack();
      passOrSay(parsed, url, reply.raw);
    };
    scope.all("/*", handler);
    scope.all("/", handler);
  });

  /** Passes one request on; what throws on the way answers 502, and is reported. */
  const passOrSay = (parsed: ParsedRequest, url: string, response: ServerResponse) => {
    try {
      pass(parsed, url, response);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (!response.headersSent) {
        response.writeHead(502, { "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify({ error: `the request could not be passed on (${reason})` }));
      }
      options.received({ request: parsed, status: 502, note: `not passed on (${reason})` });
    }
  };

  /**
   * What Sinch sends, taken before Fastify when forwarding (its routing, request and reply
   * objects and body parsing cost the receiver a good share of each request): a POST of a
   * JSON body of known length within the limit, to a path that decodes. The same request
   * through the routes would be read and passed on the same way; anything else (another
   * method or body type, a body too large or of unknown length, a path that does not
   * decode) goes to the routes, whose answers and refusals stay as they are.
   */
  const direct = (raw: IncomingMessage, response: ServerResponse): boolean => {
    const url = raw.url ?? "";
    if (raw.method !== "POST" || url.charCodeAt(0) !== 0x2f) return false;
    const { headers } = raw;
    const length = Number(headers["content-length"] ?? Number.NaN);
    if (!(length >= 0 && length <= MAX_REQUEST_BYTES) || headers["transfer-encoding"] !== undefined) return false;
    const type = headers["content-type"];
    if (type !== undefined && !JSON_TYPE.test(type)) return false;
    if (url.includes("%") && !decodes(url)) return false;
    const chunks: Buffer[] = [];
    raw.on("data", (chunk: Buffer) => chunks.push(chunk));
    raw.on("end", () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      passOrSay(parsedRequest("POST", url, raw.rawHeaders, body), url, response);
    });
    // A body cut short (the client went away): as the routes say it, "cannot read this request".
    raw.on("error", () => unreadable(raw, response));
    raw.on("aborted", () => unreadable(raw, response));
    return true;
  };
  const unreadable = (raw: IncomingMessage, response: ServerResponse) => {
    // Refused by the HTTP layer (too slow: 408), which reported it already.
    if (wasRefused(raw) || (raw as { [UNREADABLE]?: true })[UNREADABLE]) return;
    (raw as { [UNREADABLE]?: true })[UNREADABLE] = true;
    const reason = "cannot read this request";
    if (!response.headersSent && !response.destroyed) {
      response.writeHead(400, { "content-type": "application/json; charset=utf-8", connection: "close" });
      response.end(JSON.stringify({ error: reason }));
    }
    options.received({
      request: parsedRequest(raw.method ?? "-", raw.url ?? "/", raw.rawHeaders, Buffer.alloc(0)),
      status: 400,
      refused: reason,
    });
  };

  /** Passes one request on and streams the answer back; reports once, whatever happens. */
  const pass = (parsed: ParsedRequest, url: string, response: ServerResponse) => {
    let reported = false;
    let sentBytes = 0;
    let backendStatus: number | null = null;
    const report = (status: number | null, note?: string) => {
      if (reported) return;
      reported = true;
      inFlight.delete(giveUp);
      options.received({ request: parsed, status, ...(note === undefined ? {} : { note }) });
    };
    /** Ends the exchange early: an answer of the receiver's own when nothing went out yet, else a reset. */
    const giveUp = (status: number, message: string, note: string) => {
      outgoing.destroy();
      if (!response.headersSent && !response.destroyed) {
        report(status, note);
        const text = JSON.stringify({ error: message });
        if (closing) response.shouldKeepAlive = false;
        response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        response.end(text);
      } else {
        report(null, `reset after ${sentBytes} bytes of the backend's ${backendStatus} answer: ${note}`);
        response.destroy();
      }
    };

    const out: string[] = [];
    for (const [name, value] of parsed.headers) {
      const lower = name.toLowerCase();
      if (!HOP.has(lower) && lower !== "content-length") out.push(name, value);
    }
    const body = parsed.body;
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
      (incoming: IncomingMessage) => {
        backendStatus = incoming.statusCode ?? 502;
        const back: string[] = [];
        for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
          const name = incoming.rawHeaders[i] as string;
          if (!HOP.has(name.toLowerCase())) back.push(name, incoming.rawHeaders[i + 1] as string);
        }
        if (response.destroyed) return;
        response.writeHead(backendStatus, back);
        // Backpressure: the backend is read no faster than the caller takes the answer.
        incoming.on("data", (chunk: Buffer) => {
          // The head leaves with the first bytes, in one write. A chunked answer's end is a
          // write of its own: corked, it leaves with them too when it comes in the same
          // pass of the event loop (end() flushes what is corked); a longer answer is
          // uncorked after that pass. An answer of known length needs no cork.
          if (sentBytes === 0 && response.chunkedEncoding) {
            response.cork();
            setImmediate(uncork, response);
          }
          sentBytes += chunk.length;
          const ok = response.write(chunk);
          if (stats) {
            const held = response.writableLength + incoming.readableLength;
            if (held > stats.maxBufferedBytes) stats.maxBufferedBytes = held;
          }
          if (!ok) {
            incoming.pause();
            response.once("drain", resume);
          }
        });
        const resume = () => incoming.resume();
        incoming.on("end", () => response.end());
        // (An answer cut short by the backend ends in an error: "aborted", ECONNRESET.)
        incoming.on("error", () => giveUp(502, "the backend's answer broke off", "the backend's answer broke off"));
      },
    );
    inFlight.set(giveUp, performance.now() + limitMs);
    if (!sweeper) {
      sweeper = setInterval(sweep, tickMs);
      sweeper.unref();
    }
    response.on("finish", () => report(backendStatus ?? response.statusCode));
    response.on("close", () => {
      if (reported || response.writableFinished) return;
      // The caller's connection closed before the answer was complete: say what it got.
      outgoing.destroy();
      const got = response.headersSent ? `${sentBytes} bytes of the backend's ${backendStatus} answer` : "no answer";
      report(null, `${closing ? "cut short by shutdown" : "the client closed the connection"}, the client got ${got}`);
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (reported || response.headersSent) return;
      const reason = error.code ?? error.message;
      report(502, `backend unreachable (${reason})`);
      const text = JSON.stringify({ error: `the backend could not be reached (${reason})` });
      response.writeHead(502, { "content-type": "application/json; charset=utf-8" });
      response.end(text);
    });
    outgoing.end(body);
  };
  return app;
}
