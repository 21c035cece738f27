import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PageAssets } from "../../../server/inspect.js";
import { isKeychainReference } from "../../credentials/config-file.js";
import { KeychainError } from "../../credentials/keychain.js";
import { CredentialResolver, type Resolved } from "../../credentials/resolver.js";
import { exeAsset, standalone } from "../../exe.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitError } from "../../terminal/exit.js";
import { listenOrExplain, runUntilStopped } from "../server-run.js";
import { demoNotice, reportConfigWarnings } from "../shared.js";
import { analyze, type VerifyCredentials } from "./analyze.js";
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
  // The credentials the command starts with, if any: a page may verify with them.
  const startKey = await credentials.key();
  let startSecret: Resolved | null = null;
  try {
    startSecret = await credentials.secret();
  } catch (error) {
    // A keychain that cannot be read now should not keep the page from decoding: the
    // page offers the other profiles, and says nothing of these credentials.
    if (!(error instanceof KeychainError)) throw error;
    ui.warn(`${error.message}; the page verifies only with the profiles it lists`);
  }
  reportConfigWarnings(ctx, credentials);
  demoNotice(ctx, "tickets are verified", startKey, startSecret);

  const describe = (r: Resolved | null) => (r ? `${r.source}: ${r.origin}` : null);
  const profiles = async () => {
    const config = (await credentials.config())?.config;
    return {
      started: startSecret
        ? { applicationKey: startKey?.value ?? null, key: describe(startKey), secret: describe(startSecret) }
        : null,
      profiles: Object.entries(config?.profiles ?? {}).map(([name, p]) => ({
        name,
        applicationKey: p.applicationKey ?? null,
        secretStore: isKeychainReference(p.applicationSecret) ? "keychain" : p.applicationSecret ? "file" : null,
      })),
    };
  };
  const credentialsFor = async (profile: string | null): Promise<VerifyCredentials | null> => {
    if (profile === null) {
      return startSecret ? { applicationKey: startKey?.value ?? null, applicationSecret: startSecret.value } : null;
    }
    const own = await credentials.profileCredentials(profile);
    return own.secret ? { applicationKey: own.key?.value ?? null, applicationSecret: own.secret.value } : null;
  };

  const token = randomBytes(24).toString("base64url");
  const { createInspectServer } = await import("../../../server/index.js");
  const app = await createInspectServer({
    token,
    assets: readAssets(),
    profiles,
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
    try {
      const { default: open } = await import("open");
      await open(url);
    } catch (error) {
      ui.warn(`could not open a browser (${(error as Error).message}): open the address above yourself`);
    }
  }
  ui.note("Ctrl-C stops the page's server");
  return stopped;
}
