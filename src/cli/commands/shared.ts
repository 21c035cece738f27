import type { CredentialResolver, Resolved } from "../credentials/resolver.js";
import type { CommandContext } from "../terminal/context.js";

/** Every output made with the demo credentials says so on stderr. */
export function demoNotice(ctx: CommandContext, what: string, ...used: (Resolved | null)[]): void {
  if (used.some((r) => r?.source === "demo")) {
    ctx.ui.warn(`${what} with the built-in demo credentials (--demo): Sinch accepts nothing made with them`);
  }
}

export function reportConfigWarnings(ctx: CommandContext, credentials: CredentialResolver): void {
  for (const warning of credentials.configWarnings()) ctx.ui.warn(warning);
}
