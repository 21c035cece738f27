import type { Keyring } from "../../core/keyring.js";
import {
  type CredentialFlags,
  CredentialResolver,
  type KeyringOptions,
  missingSecret,
  missingWebhookSecret,
  type Resolved,
} from "../credentials/resolver.js";
import type { CommandContext } from "../terminal/context.js";

/** Every output made with the demo credentials says so on stderr. */
export function demoNotice(ctx: CommandContext, what: string, ...used: (Resolved | null)[]): void {
  if (used.some((r) => r?.source === "demo")) demoWarning(ctx, what);
}

function demoWarning(ctx: CommandContext, what: string): void {
  ctx.ui.warn(`${what} with the built-in demo credentials (--demo): Sinch accepts nothing made with them`);
}

export function reportConfigWarnings(ctx: CommandContext, credentials: CredentialResolver): void {
  for (const warning of credentials.configWarnings()) ctx.ui.warn(warning);
}

/** What a command that signs needs: one key and secret, from one source. */
export interface SigningPair {
  key: Resolved;
  secret: Resolved;
  profile: string | null;
  /** Says on stderr that the output was made with the demo credentials, when it was. */
  demoNotice: (what: string) => void;
}

/**
 * The one way a command obtains credentials to sign with: the pair from the first source
 * that has one (exit 2 for a half pair or none), its notes and the config file's warnings
 * said on stderr. `lenient`: a secret that is not strict base64 is taken as it is.
 */
export async function signingPair(
  ctx: CommandContext,
  flags: CredentialFlags,
  options: { lenient?: boolean } = {},
): Promise<SigningPair & { resolver: CredentialResolver }> {
  const resolver = new CredentialResolver(ctx.io, flags);
  const pair = await resolver.pair(options);
  for (const note of await resolver.sourceNotes()) ctx.ui.note(note);
  reportConfigWarnings(ctx, resolver);
  const demo = pair.key.source === "demo";
  return { ...pair, resolver, demoNotice: (what) => demo && demoWarning(ctx, what) };
}

/** What a command that checks needs: the keyring every entry point chooses from. */
export interface CheckingKeyring {
  keyring: Keyring;
  resolver: CredentialResolver;
  demoNotice: (what: string) => void;
}

/**
 * The one way a command obtains credentials to check tickets, tokens and requests with
 * (see src/core/keyring.ts for how an input chooses among them); exit 2 when there are
 * none. `lenient`: secrets that are not strict base64 are taken as they are.
 */
export async function checkingKeyring(
  ctx: CommandContext,
  flags: CredentialFlags,
  options: KeyringOptions = {},
): Promise<CheckingKeyring> {
  const found = await optionalKeyring(ctx, flags, options);
  if (!found.keyring) throw missingSecret();
  return { ...found, keyring: found.keyring };
}

/** As `checkingKeyring`, with null when no application credentials are given anywhere. */
export async function optionalKeyring(
  ctx: CommandContext,
  flags: CredentialFlags,
  options: KeyringOptions = {},
): Promise<Omit<CheckingKeyring, "keyring"> & { keyring: Keyring | null }> {
  const resolver = new CredentialResolver(ctx.io, flags);
  const keyring = await resolver.keyring({ ...options, optional: true });
  for (const note of await resolver.sourceNotes()) ctx.ui.note(note);
  reportConfigWarnings(ctx, resolver);
  const demo = flags.demo === true;
  return { keyring, resolver, demoNotice: (what) => demo && demoWarning(ctx, what) };
}

/**
 * The one way a command obtains the webhook secret (Conversation, SMS, Numbers): exit 2
 * naming where it may come from when there is none.
 */
export async function requiredWebhookSecret(ctx: CommandContext, flags: CredentialFlags): Promise<Resolved> {
  const resolver = new CredentialResolver(ctx.io, flags);
  const secret = await resolver.webhookSecret();
  if (!secret) throw missingWebhookSecret();
  reportConfigWarnings(ctx, resolver);
  return secret;
}
