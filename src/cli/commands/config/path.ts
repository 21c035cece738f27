import { CredentialResolver } from "../../credentials/resolver.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode } from "../../terminal/exit.js";

/** `config path`: where the config file is (whether or not it exists). */
export async function configPathCommand(ctx: CommandContext): Promise<number> {
  ctx.ui.print(await new CredentialResolver(ctx.io, {}).configPath());
  return ExitCode.ok;
}
