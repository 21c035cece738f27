import { type CommandDefinition, checkFormatOptions, examples } from "../options.js";
import { signOptions } from "./options.js";

/** `sinch-ticket sign [endpoint]`: a user ticket, a batch of them, or a registration token. */
export const sign: CommandDefinition = {
  name: "sign",
  summary: "Sign a user ticket (or, with --format jwt, a registration token) for an endpoint.",
  startup: true,
  define(command, ctx) {
    const defined = signOptions(command, () => ctx.io.now());
    examples(defined, [
      "sign --demo alice",
      "sign --type email --json alice@example.com",
      "sign --style js --expires-in 1h alice",
      "sign --batch users.csv > tickets.ndjson",
      "sign --count 1000 --endpoint-template 'user{n}' --output-format csv",
      "sign --format jwt --ttl 1h alice",
      "sign --format jwt --batch user-ids.txt --output-format csv",
      "sign --batch users.csv --github-output tickets  # in GitHub Actions",
    ]);
    defined.action(async (endpoint, flags) => {
      checkFormatOptions(defined);
      ctx.exitCode = await (await import("./run.js")).sign(endpoint, flags, ctx);
    });
  },
};
