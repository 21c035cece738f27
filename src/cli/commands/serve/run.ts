import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeSecret } from "../../../core/base64.js";
import { TicketSigner } from "../../../core/ticket/signer.js";
import { JWT_DEFAULT_TTL, JWT_MIN_TTL } from "../../../core/token/format.js";
import { createRegistrationToken } from "../../../core/token/sign.js";
import { HtpasswdError, parseHtpasswd, type Users } from "../../../server/htpasswd.js";
import type { CommandContext } from "../../terminal/context.js";
import { usageError } from "../../terminal/exit.js";
import { listenOrExplain, runUntilStopped } from "../server-run.js";
import { signingPair } from "../shared.js";
import type { ServeFlags } from "./options.js";

declare const __BCRYPT_WORKER__: string | undefined;
declare const __dirname: string;

function readUsers(path: string, cwd: string): Users {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch (error) {
    throw usageError(`cannot read htpasswd file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    return parseHtpasswd(text, path);
  } catch (error) {
    if (error instanceof HtpasswdError) throw usageError(error.message);
    throw error;
  }
}

/**
 * Users hashed at a lower bcrypt cost than the file's highest answer faster than an
 * unknown name (checked at the highest cost): timing tells that they exist.
 */
export function weakerHashesWarning(users: Users, path: string): string | null {
  if (users.weaker.length === 0) return null;
  const shown = users.weaker.slice(0, 10).map((w) => `${JSON.stringify(w.user)} (cost ${w.cost})`);
  const more = users.weaker.length > 10 ? ` and ${users.weaker.length - 10} more` : "";
  return (
    `${path}: ${shown.join(", ")}${more} hashed at a lower bcrypt cost than the file's highest (${users.cost}): ` +
    `their logins answer faster than an unknown name's, so timing tells that they exist; ` +
    `re-hash them at cost ${users.cost} (htpasswd -B -C ${users.cost} ${path} <user>)`
  );
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * What `POST /api/auth` answers for a user name: a registration token, or a ticket. One
 * signer per millisecond: what does not change between tickets is written once, and every
 * ticket is byte-identical to `sign --created <the same time>`.
 */
export function authSigner(
  flags: Pick<ServeFlags, "format" | "type" | "style" | "expiresIn">,
  applicationKey: string,
  applicationSecret: string,
  ttl: number,
  now: () => Date,
): (username: string) => Record<string, string> {
  const secretBytes = decodeSecret(applicationSecret);
  let signer: { ms: number; signer: TicketSigner } | null = null;
  return (username): Record<string, string> => {
    if (flags.format === "jwt") {
      return {
        token: createRegistrationToken({ applicationKey, applicationSecret, userId: username, now: now(), ttl }).token,
      };
    }
    const ms = now().getTime();
    if (signer?.ms !== ms) {
      signer = {
        ms,
        signer: new TicketSigner({
          applicationKey,
          applicationSecret: secretBytes,
          style: flags.style,
          now: new Date(ms),
          ...(flags.expiresIn !== undefined ? { expiresIn: flags.expiresIn } : {}),
        }),
      };
    }
    return { userTicket: signer.signer.sign(flags.type, username).userTicket };
  };
}

/** `sinch-ticket serve`: runs until SIGINT or SIGTERM, then drains and returns 0. */
export async function serve(flags: ServeFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  if (!flags.htpasswd && !flags.anyUser) {
    throw usageError("serve needs --htpasswd <file> (users and bcrypt passwords) or --any-user");
  }
  const ttl = flags.ttl ?? JWT_DEFAULT_TTL;
  if (ttl < JWT_MIN_TTL) throw usageError(`--ttl must be at least ${JWT_MIN_TTL}s (Sinch refuses shorter tokens)`);

  const { key, secret, demoNotice } = await signingPair(ctx, flags);

  let users: Users | null = flags.htpasswd ? readUsers(flags.htpasswd, io.cwd) : null;
  const sign = authSigner(flags, key.value, secret.value, ttl, () => io.now());

  const { createAuthServer } = await import("../../../server/index.js");
  const app = await createAuthServer({
    users: () => users,
    sign,
    cors: flags.cors ?? [],
    log: (lines) => io.stderr.write(lines),
    bcryptWorker: typeof __BCRYPT_WORKER__ === "string" ? join(__dirname, __BCRYPT_WORKER__) : null,
    limits: {
      queuedPerAddress: flags.queuePerAddress,
      pairsPerAddress: flags.namesPerAddress,
      namesFailingPerAddress: flags.failingNames,
    },
  });
  const port = await listenOrExplain(app, flags.host, flags.port);

  const warnWeaker = () => {
    const warning = users && flags.htpasswd ? weakerHashesWarning(users, flags.htpasswd) : null;
    if (warning) ui.warn(warning);
  };
  warnWeaker();
  if (flags.anyUser) ui.warn("--any-user: every user name is accepted with any password");
  if (flags.cors?.includes("*")) ui.warn("--cors *: any web page may ask this server for tickets");
  if (!LOOPBACK.test(flags.host)) {
    ui.warn(`listening on ${flags.host}: this is a development server, not for other machines to rely on`);
  }
  demoNotice("tickets are signed");
  // SIGINT and SIGTERM are handled before the ready line: a script that stops the server as
  // soon as it reads the URL must not meet the default action (death by the signal).
  const stopped = runUntilStopped(app, ctx, () => {
    if (!flags.htpasswd) return;
    try {
      users = readUsers(flags.htpasswd, io.cwd);
      ui.note(`reloaded ${flags.htpasswd}: ${users.hashes.size} user${users.hashes.size === 1 ? "" : "s"}`);
      warnWeaker();
    } catch (error) {
      ui.warn(`kept the previous users: ${(error as Error).message}`);
    }
  });
  const host = flags.host.includes(":") ? `[${flags.host}]` : flags.host;
  ui.print(`http://${host}:${port}`);
  return stopped;
}
