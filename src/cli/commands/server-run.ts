import type { FastifyInstance } from "fastify";
import type { CommandContext } from "../terminal/context.js";
import { ExitCode, usageError } from "../terminal/exit.js";

/** How long requests in flight may take to finish after SIGINT or SIGTERM. */
const DRAIN_MS = 5_000;

/** Listens, or says in one line why it cannot; returns the port listened on. */
export async function listenOrExplain(app: FastifyInstance, host: string, port: number): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    await app.close().catch(() => {});
    if (code === "EADDRINUSE") {
      throw usageError(`port ${port} on ${host} is in use: choose another with --port (0 picks a free one)`);
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EACCES") {
      throw usageError(`cannot listen on ${host}:${port} (${code})`);
    }
    throw error;
  }
  const address = app.server.address();
  return typeof address === "object" && address ? address.port : port;
}

/**
 * Runs until SIGINT or SIGTERM, then lets requests in flight finish (at most a few
 * seconds) and resolves with exit code 0. `onHangUp` answers SIGHUP.
 */
export function runUntilStopped(app: FastifyInstance, ctx: CommandContext, onHangUp?: () => void): Promise<number> {
  return new Promise<number>((done) => {
    const hangUp = () => onHangUp?.();
    const stop = (signal: string) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.off("SIGHUP", hangUp);
      ctx.ui.note(`${signal}: finishing requests in flight, then stopping`);
      const force = setTimeout(() => app.server.closeAllConnections(), DRAIN_MS);
      app.close().then(
        () => {
          clearTimeout(force);
          done(ExitCode.ok);
        },
        () => done(ExitCode.ok),
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (onHangUp) process.on("SIGHUP", hangUp);
  });
}
