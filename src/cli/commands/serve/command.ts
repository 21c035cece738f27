import { type CommandDefinition, checkFormatOptions, examples } from "../options.js";
import { serveOptions } from "./options.js";

/** `sinch-ticket serve`: the tutorial's auth backend, for front-end work and tests. */
export const serve: CommandDefinition = {
  name: "serve",
  summary: "Run the tutorial's auth backend: POST /api/auth with a user's name and password answers a ticket.",
  define(command, ctx) {
    const defined = serveOptions(command);
    examples(defined, [
      "serve --htpasswd users.htpasswd --cors http://localhost:5173",
      "serve --any-user --port 0",
      "serve --htpasswd users.htpasswd --format jwt --ttl 1h",
    ]);
    defined.action(async (flags) => {
      checkFormatOptions(command);
      ctx.exitCode = await (await import("./run.js")).serve(flags, ctx);
    });
  },
};
