import { type ConfigFile, profileNamed } from "../../credentials/config-file.js";
import { CredentialResolver } from "../../credentials/resolver.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode, ExitError } from "../../terminal/exit.js";
import { reportConfigWarnings } from "../shared.js";

/** The config file as it is now, for the subcommands that change or list its profiles. */
export async function loadExisting(
  ctx: CommandContext,
): Promise<{ path: string; config: ConfigFile | null; credentials: CredentialResolver }> {
  const credentials = new CredentialResolver(ctx.io, {});
  const path = await credentials.configPath();
  const loaded = await credentials.config();
  reportConfigWarnings(ctx, credentials);
  return { path, config: loaded?.config ?? null, credentials };
}

/** Exit 2 naming the profiles there are, when `name` is not one of them. */
export function requireProfile(config: ConfigFile, name: string, path: string): void {
  if (profileNamed(config, name) === undefined) {
    const known = Object.keys(config.profiles);
    throw new ExitError(
      ExitCode.usage,
      `no profile '${name}' in ${path}${known.length ? ` (profiles: ${known.join(", ")})` : ""}`,
    );
  }
}
