import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Keyring } from "../../../core/keyring.js";
import type { PageAssets } from "../../../server/inspect.js";
import { isKeychainReference } from "../../credentials/config-file.js";
import { KeychainError } from "../../credentials/keychain.js";
import { CredentialResolver } from "../../credentials/resolver.js";
import { exeAsset, standalone } from "../../exe.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitError } from "../../terminal/exit.js";
import { listenOrExplain, runUntilStopped } from "../server-run.js";
import { demoNotice, reportConfigWarnings } from "../shared.js";
import { analyze, type InspectCredentials } from "./analyze.js";
import { type HandOverFile, writeHandOverFile } from "./handover.js";
import type { InspectFlags } from "./options.js";

declare const __dirname: string;

const HOST = "127.0.0.1";

/** The page's files beside the bundle (dist/inspect/), or inside the executable. */
function readAssets(): PageAssets {
  const dir = join(__dirname, "inspect");
  const read = (name: string) => (standalone ? exeAsset(`inspect/${name}`) : readFileSync(join(dir, name), "utf8"));
  return { html: read("index.html"), script: read("app.js"), style: read("app.css") };
}

/** A browser window can be opened: macOS and Windows always; elsewhere a display must be set. */
function hasDisplay(env: NodeJS.ProcessEnv | Record<string, string | undefined>): boolean {
  if (process.platform === "darwin" || process.platform === "win32") return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** An error a request can answer with: 400 and the one-line message. */
function requestError(error: unknown): Error {
  if (error instanceof ExitError) return Object.assign(new Error(error.message), { statusCode: 400 });
  return error as Error;
}

/** `sinch-ticket inspect`: serves the page until SIGINT or SIGTERM. */
export async function inspect(flags: InspectFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const credentials = new CredentialResolver(io, flags);
  // The credentials the command starts with, if any: the page verifies with them (the
  // profile chosen by each ticket's key when none were named) unless it names a profile.
  let started: Keyring | null = null;
  try {
    started = await credentials.keyring({ optional: true });
  } catch (error) {
    // A keychain that cannot be read now should not keep the page from decoding: the
    // page offers the other profiles, and says nothing of these credentials.
    if (!(error instanceof KeychainError)) throw error;
    ui.warn(`${error.message}; the page verifies only with the profiles it lists`);
  }
  const startedWebhook = await credentials.webhookSecret().catch((error: unknown) => {
    if (error instanceof KeychainError) return null;
    throw error;
  });
  for (const unreadable of started?.unreadable ?? []) {
    ui.warn(`${unreadable.reason}; the page verifies with the other profiles it lists`);
  }
  for (const note of await credentials.sourceNotes()) ui.note(note);
  reportConfigWarnings(ctx, credentials);
  if (flags.demo) demoNotice(ctx, "tickets are verified", { value: "", source: "demo", origin: "--demo" });
  const startKey = started?.fixed?.length === 1 ? (started.fixed[0]?.key ?? null) : null;
  const source = await credentials.source();
  const describeSource = () =>
    source.kind === "pair"
      ? {
          key: `${source.key.source}: ${source.key.origin}`,
          secret: `${source.secret.source}: ${source.secret.origin}`,
        }
      : source.kind === "profile"
        ? { key: `config: profile '${source.profile}'`, secret: `config: profile '${source.profile}'` }
        : { key: "the profile holding each ticket's key", secret: "the profile holding each ticket's key" };

  const profiles = async () => {
    const config = (await credentials.config())?.config;
    return {
      started: started ? { applicationKey: startKey, ...describeSource() } : null,
      profiles: Object.entries(config?.profiles ?? {}).map(([name, p]) => ({
        name,
        applicationKey: p.applicationKey ?? null,
        secretStore: isKeychainReference(p.applicationSecret) ? "keychain" : p.applicationSecret ? "file" : null,
      })),
    };
  };
  const credentialsFor = async (profile: string | null): Promise<InspectCredentials | null> => {
    if (profile === null) {
      return started || startedWebhook ? { keyring: started, webhookSecret: startedWebhook?.value ?? null } : null;
    }
    const own = await credentials.profileCredentials(profile);
    const keyring: Keyring | null =
      own.secret && own.key
        ? {
            fixed: [{ profile, key: own.key.value, secret: own.secret.value }],
            profiles: [],
            unreadable: [],
            defaultProfile: null,
            names: [],
          }
        : null;
    const webhookSecret = await credentials.profileWebhookSecret(profile);
    return keyring || webhookSecret ? { keyring, webhookSecret: webhookSecret?.value ?? null } : null;
  };

  const token = randomBytes(24).toString("base64url");
  let handOver: HandOverFile | null = null;
  const { createInspectServer } = await import("../../../server/index.js");
  const app = await createInspectServer({
    token,
    assets: readAssets(),
    profiles,
    handedOver: () => handOver?.remove(),
    // Whatever one request throws answers that request (500, in the one error shape) and
    // is said here; the server goes on.
    internalError: (error, method, path) => {
      const message = error instanceof Error ? error.message : String(error);
      ui.warn(`internal error answering ${method} ${path}: ${message}`);
    },
    inspect: async (text, profile, verify) => {
      try {
        return analyze(text, verify ? await credentialsFor(profile) : null, io.now());
      } catch (error) {
        throw requestError(error);
      }
    },
  });
  const port = await listenOrExplain(app, HOST, flags.port);
  const url = `http://${HOST}:${port}/?token=${token}`;
  // SIGINT and SIGTERM are handled before the address is printed (see serve).
  const stopped = runUntilStopped(app, ctx);
  ui.print(url);

  if (!flags.open) {
    ui.note("open the address above in a browser (--no-open)");
  } else if (!hasDisplay(io.env)) {
    ui.note("no display to open a browser on: open the address above yourself");
  } else {
    // The browser is opened on a file that hands the token over by POST: the token is in
    // no URL the browser records and on no command line (the opener gets the path only).
    try {
      handOver = writeHandOverFile(`http://${HOST}:${port}/`, token);
      const { default: open } = await import("open");
      await open(handOver.path);
    } catch (error) {
      handOver?.remove();
      ui.warn(`could not open a browser (${(error as Error).message}): open the address above yourself`);
    }
  }
  ui.note("Ctrl-C stops the page's server");
  try {
    return await stopped;
  } finally {
    handOver?.remove();
  }
}
