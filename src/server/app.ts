import Fastify, { type FastifyError, type FastifyInstance } from "fastify";

/** Limits set on purpose: a development server still faces whatever a browser sends. */
export const LIMITS = {
  /** Request bodies (413 above). */
  bodyBytes: 16 * 1024,
  /** All request headers together (431 above). */
  headerBytes: 16 * 1024,
  /** Time to receive a whole request (408 after). */
  requestMs: 10_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveMs: 5_000,
};

export interface AppOptions {
  /** Access-log lines, a request's each, gathered per turn of the event loop. */
  log: (lines: string) => void;
}

/** What a request may add to its access-log line (never a secret, a password or a ticket). */
declare module "fastify" {
  interface FastifyRequest {
    identity?: string;
  }
}

/**
 * The HTTP stack of the local servers: Fastify with explicit limits, case-insensitive
 * paths with an optional trailing slash, JSON errors (never a stack or an internal
 * message), a JSON 404, and an access log of method, path (without the query, which may
 * hold a password), status and time.
 */
export function createApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: LIMITS.bodyBytes,
    http: { maxHeaderSize: LIMITS.headerBytes },
    requestTimeout: LIMITS.requestMs,
    keepAliveTimeout: LIMITS.keepAliveMs,
    forceCloseConnections: "idle",
    return503OnClosing: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
  });
  // Declared up front, so that every request object keeps one shape.
  app.decorateRequest("identity", undefined);
  // Only JSON (built in) and forms (registered by the routes that take them).
  app.removeContentTypeParser("text/plain");

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const message =
      status === 500
        ? "internal error"
        : status === 413
          ? `request body larger than ${LIMITS.bodyBytes / 1024} KiB`
          : status === 415
            ? "unsupported body type: send JSON or a form (application/x-www-form-urlencoded)"
            : error.validation
              ? `invalid request: ${error.message}`
              : error.message;
    reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ error: "not found" });
  });
  // Under load, a write per request would cost a good share of the request itself: the
  // lines of one turn of the event loop are written together.
  let pending = "";
  const flush = () => {
    const lines = pending;
    pending = "";
    if (lines) options.log(lines);
  };
  // Logged as the answer is sent (an onResponse hook would cost a listener per request).
  app.addHook("onSend", (request, reply, payload, done) => {
    const path = request.url.split("?")[0] ?? "";
    const ms = reply.elapsedTime.toFixed(1);
    if (pending === "") setImmediate(flush);
    pending += `${new Date().toISOString()} ${request.method} ${path} ${reply.statusCode} ${ms}ms${request.identity ? ` ${JSON.stringify(request.identity)}` : ""}\n`;
    done(null, payload);
  });
  app.addHook("onClose", async () => flush());
  app.get("/healthz", async () => ({ ok: true }));
  return app;
}
