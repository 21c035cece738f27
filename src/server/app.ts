import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import { escapeForTerminal } from "../core/escape.js";

/** Limits set on purpose: a development server still faces whatever a browser sends. */
export const LIMITS = {
  /** Request bodies (413 above). */
  bodyBytes: 16 * 1024,
  /** All request headers together (431 above). */
  headerBytes: 16 * 1024,
  /** Time for a request's headers and body to arrive (408 after). */
  requestMs: 10_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveMs: 10_000,
  /** How often connections still receiving a request are looked at. */
  checkMs: 500,
};

export interface AppOptions {
  /** Access-log lines, a request's each, gathered per turn of the event loop; none without. */
  log?: (lines: string) => void;
  /** The body types the routes take, for the 415 answer ("JSON (application/json)"). */
  bodyTypes: string;
  /**
   * Told of what a request threw that was not meant for it (answered 500 "internal error",
   * the server going on), with the request's method and path.
   */
  internalError?: (error: unknown, method: string, path: string) => void;
  /** Told of each request refused before a route saw it (parser errors, too slow, CONNECT, shutdown). */
  refused?: (refusal: Refusal) => void;
  /**
   * Takes a request before Fastify does, when it returns true (callback listen's common
   * case, on the receiver's hot path); every other request goes to the routes as always.
   */
  direct?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/** A request the HTTP layer refused: what was read of it, the status sent and why. */
export interface Refusal {
  method: string;
  url: string;
  /** Header names and values as they came (none when the parser gave up before them). */
  rawHeaders: string[];
  status: number;
  reason: string;
}

/** What a request may add to its access-log line (never a secret, a password or a ticket). */
declare module "fastify" {
  interface FastifyRequest {
    identity?: string;
    /** Said after the status when the answer is not the whole story ("cut short by shutdown"). */
    logNote?: string;
  }
}

/** A request that cannot be finished because the server is stopping (503, logged as cut short). */
export class CutShort extends Error {
  statusCode = 503;
  constructor() {
    super("the server is stopping: try again");
  }
}

const RECEIVED = Symbol("received");
const OPENED = Symbol("opened");
const REFUSED = Symbol("refused");
type TimedRequest = IncomingMessage & { [RECEIVED]?: number; [REFUSED]?: boolean };
type TimedSocket = Socket & { [OPENED]?: number; _httpMessage?: ServerResponse | null };

/** Whether the HTTP layer already refused (answered and reported) this request. */
export function wasRefused(request: IncomingMessage): boolean {
  return (request as TimedRequest)[REFUSED] === true;
}

const TOO_SLOW = `request not received within ${LIMITS.requestMs / 1000} s`;
const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, TOO_SLOW],
  HPE_HEADER_OVERFLOW: [431, `request headers larger than ${LIMITS.headerBytes / 1024} KiB`],
};

/** The path of a request target without its query string (where the tutorial puts the password). */
function pathOf(url: string | undefined): string {
  if (!url) return "-";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** The time of a log line, made once per millisecond: under load, many lines share one. */
let stampMs = 0;
let stamp = "";
function timestamp(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

/** Ajv's first complaint, naming the property it does not know ("must NOT have additional properties"). */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  const unknown = first?.keyword === "additionalProperties" ? first.params.additionalProperty : undefined;
  if (typeof unknown !== "string") return error.message;
  const at = `${error.validationContext ?? "body"}${first?.instancePath ?? ""}`;
  return `${at} has an unknown property ${JSON.stringify(unknown)}`;
}

/**
 * The HTTP stack of the local servers: Fastify with explicit limits, case-insensitive
 * paths with an optional trailing slash, one JSON error shape `{"error": "..."}` (never a
 * stack or an internal message, the HTTP parser's own errors included), a JSON 404, and
 * an access log of method, path (without the query), status and the real time taken.
 *
 * Slow clients: Node's own request timeout starts at a request's first byte and is checked
 * every 30 s by default; here it is checked every second, and the first request of a
 * connection must have wholly arrived within 10 s of the connection opening (a client
 * that waits 9 s before its first byte does not get 10 s more).
 */
export function createApp(options: AppOptions): FastifyInstance {
  // Connections whose first request has not wholly arrived, with that request once its
  // headers are in. Looked at every half second: what is late gets a 408.
  const receiving = new Map<TimedSocket, TimedRequest | null>();
  const app = Fastify({
    logger: false,
    bodyLimit: LIMITS.bodyBytes,
    // The server is made here so that Fastify's handler is its one request listener, and
    // a request's arrival is noted on the way in (a second listener costs every request).
    serverFactory: (handler) => {
      const server = createServer(
        {
          maxHeaderSize: LIMITS.headerBytes,
          connectionsCheckingInterval: 1000,
          requestTimeout: LIMITS.requestMs,
          headersTimeout: LIMITS.requestMs,
          keepAliveTimeout: LIMITS.keepAliveMs,
        },
        (request: TimedRequest, response) => {
          request[RECEIVED] = performance.now();
          if (closing) return refuseClosing(request, response);
          const socket = request.socket as TimedSocket;
          if (receiving.get(socket) === null) receiving.set(socket, request);
          if (options.direct?.(request, response)) return;
          handler(request, response);
        },
      );
      // CONNECT never reaches the request handler: without this Node closes the
      // connection without a word, and nothing is logged.
      server.on("connect", (request: TimedRequest, socket: TimedSocket) => {
        request[RECEIVED] = performance.now();
        receiving.delete(socket);
        refuse(socket, 405, `method ${request.method} is not served here`, request);
      });
      server.on("connection", (socket: TimedSocket) => {
        socket[OPENED] = performance.now();
        receiving.set(socket, null);
        socket.once("close", () => receiving.delete(socket));
      });
      return server;
    },
    // Fastify's Ajv coerces by default ({"text": 1} passes as "1", a one-item array as its
    // item) and drops properties a schema does not allow: a request is judged as it was
    // sent, or refused with 400.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    forceCloseConnections: "idle",
    return503OnClosing: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    // Requests the router cannot take (a URL that does not decode): the one error shape too.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      tellRefused(request.raw, 400, error.message);
      reply.code(400).send({ error: error.message });
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === "ECONNRESET" || socket.destroyed) return;
      const [status, message] = CLIENT_ERRORS[error.code ?? ""] ?? [400, "malformed HTTP request"];
      refuse(socket, status, message);
    },
  });

  // Under load, a write per request would cost a good share of the request itself: the
  // lines of one turn of the event loop are written together.
  let pending = "";
  const flush = () => {
    const lines = pending;
    pending = "";
    try {
      if (lines) options.log?.(lines);
    } catch {
      // A log that cannot be written (a closed pipe) loses its lines; the server goes on.
    }
  };
  const logLine = (method: string, url: string | undefined, status: number | string, ms: number, tail: string) => {
    if (pending === "") setImmediate(flush);
    // The path and what follows it came from the client: escaped, as every outside value.
    pending += `${timestamp()} ${method} ${escapeForTerminal(pathOf(url))} ${status} ${ms.toFixed(1)}ms${escapeForTerminal(tail)}\n`;
  };

  /** Answers a connection in the one JSON shape, outside Fastify (the parser gave up), and closes it. */
  function refuse(socket: TimedSocket, status: number, message: string, waiting?: TimedRequest | null): void {
    const response = socket._httpMessage;
    const request = (response?.req ?? waiting ?? undefined) as TimedRequest | undefined;
    if (socket.writable && !response?.headersSent) {
      const body = JSON.stringify({ error: message });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    const started = request?.[RECEIVED] ?? socket[OPENED] ?? performance.now();
    if (request) request[REFUSED] = true;
    logLine(request?.method ?? "-", request?.url, status, performance.now() - started, "");
    socket.destroy();
    options.refused?.({
      method: request?.method ?? "-",
      url: request?.url ?? "-",
      rawHeaders: request?.rawHeaders ?? [],
      status,
      reason: message,
    });
  }

  /** Tells `options.refused` of a request answered with an error outside the routes. */
  function tellRefused(request: IncomingMessage, status: number, reason: string): void {
    if ((request as TimedRequest)[REFUSED]) return;
    options.refused?.({
      method: request.method ?? "-",
      url: request.url ?? "-",
      rawHeaders: request.rawHeaders,
      status,
      reason,
    });
  }

  /** A request that arrives while the server stops: 503 in the one JSON shape, logged as such. */
  function refuseClosing(request: TimedRequest, response: ServerResponse): void {
    const reason = new CutShort().message;
    const body = JSON.stringify({ error: reason });
    response.writeHead(503, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      connection: "close",
    });
    response.end(body);
    logLine(
      request.method ?? "-",
      request.url,
      503,
      performance.now() - (request[RECEIVED] ?? 0),
      " (cut short by shutdown)",
    );
    options.refused?.({
      method: request.method ?? "-",
      url: request.url ?? "-",
      rawHeaders: request.rawHeaders,
      status: 503,
      reason,
    });
  }

  const check = setInterval(() => {
    const late = performance.now() - LIMITS.requestMs;
    for (const [socket, request] of receiving) {
      if (request?.complete || socket.destroyed) {
        receiving.delete(socket);
      } else if ((socket[OPENED] ?? 0) < late) {
        receiving.delete(socket);
        refuse(socket, 408, TOO_SLOW, request);
      }
    }
  }, LIMITS.checkMs);
  check.unref();

  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onClose", (_instance, done) => {
    clearInterval(check);
    flush();
    done();
  });

  // Declared up front, so that every request object keeps one shape.
  app.decorateRequest("identity", undefined);
  app.decorateRequest("logNote", undefined);
  app.removeContentTypeParser("text/plain");

  // Whatever a request throws (an Error or not, from a route, a hook or a dependency)
  // answers that request: a 500 in the one shape, logged; the server goes on.
  app.setErrorHandler((thrown: unknown, request, reply) => {
    const error = (thrown instanceof Error ? thrown : new Error("not an Error")) as FastifyError;
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (error instanceof CutShort) {
      request.logNote = "cut short by shutdown";
      return reply.code(503).send({ error: error.message });
    }
    if (status === 500) options.internalError?.(error, request.method, pathOf(request.url));
    const message =
      status === 500
        ? "internal error"
        : status === 413
          ? `request body larger than ${LIMITS.bodyBytes / 1024} KiB`
          : status === 415
            ? `unsupported body type: send ${options.bodyTypes}`
            : error.validation
              ? `invalid request: ${validationMessage(error)}`
              : error.message;
    tellRefused(request.raw, status, message);
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => {
    tellRefused(request.raw, 404, "not found");
    reply.code(404).send({ error: "not found" });
  });
  // Logged as the answer is sent (an onResponse hook would cost a listener per request).
  if (options.log)
    app.addHook("onSend", (request, reply, payload, done) => {
      const raw = request.raw as TimedRequest;
      if (raw[REFUSED]) return done(null, payload);
      // What the log says is what the client got: when the connection is gone before the
      // answer, no status reached it. At shutdown that is the drain limit's reset.
      const gone = reply.raw.destroyed || request.raw.socket?.destroyed === true;
      const note = gone
        ? closing
          ? "cut short by shutdown: connection reset, no answer sent"
          : "the client closed the connection, no answer sent"
        : (request.logNote ?? "");
      logLine(
        request.method,
        request.url,
        gone ? (closing ? "reset" : "closed") : reply.statusCode,
        performance.now() - (raw[RECEIVED] ?? performance.now()),
        `${request.identity ? ` ${JSON.stringify(request.identity)}` : ""}${note ? ` (${note})` : ""}`,
      );
      done(null, payload);
    });
  app.get("/healthz", async () => ({ ok: true }));
  return app;
}
