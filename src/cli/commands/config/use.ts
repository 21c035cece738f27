import { updateConfig } from "../../credentials/config-store.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode, usageError } from "../../terminal/exit.js";
import { loadExisting, requireProfile } from "./profiles.js";

/** `config use <profile>`: makes it the default. */
export async function configUse(name: string, ctx: CommandContext): Promise<number> {
  const { path, config } = await loadExisting(ctx);
  if (!config) throw usageError(`no config file at ${path}; create one with \`sinch-ticket config init\``);
  requireProfile(config, name, path);
  await updateConfig(path, (c) => {
    requireProfile(c, name, path);
    c.defaultProfile = name;
  });
  ctx.ui.note(`default profile is now '${name}'`);
  return ExitCode.ok;
}
