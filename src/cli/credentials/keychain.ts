/**
 * Secrets in the operating system's credential store (macOS Keychain, Windows Credential
 * Manager, the Secret Service on Linux) through @napi-rs/keyring, an optional dependency
 * loaded only when a profile keeps its secret there. Every call is bounded in time, and
 * every failure is an exit-2 error naming the profile and the fix, never the secret.
 */

import { ExitCode, ExitError, usageError } from "../terminal/exit.js";

/** The service every entry is stored under; the account names the profile (see `keychainAccount`). */
export const KEYCHAIN_SERVICE = "sinch-ticket";

/** Which of a profile's secrets an entry holds. */
export type SecretKind = "application" | "webhook";

/**
 * The account of a profile's secret: the profile's name for its application secret (as
 * stored from the start), `webhook:<profile>` for its webhook secret. No two secrets may
 * share an account, so a profile whose name has a ':' keeps no secret in the keychain: a
 * profile named `webhook:x` would otherwise read and overwrite profile x's webhook secret.
 * `config init` never makes such a name; one written by hand works with secrets in the
 * file, and any keychain use of it is refused (exit 2) saying why. The accounts already
 * stored keep their names, so everything stored before stays readable.
 */
export function keychainAccount(profile: string, kind: SecretKind): string {
  if (profile.includes(":")) throw reservedName(profile);
  return kind === "webhook" ? `webhook:${profile}` : profile;
}

/** Whether a profile's secrets may be kept in the keychain (its name has no ':'). */
export function keychainAllowed(profile: string): boolean {
  return !profile.includes(":");
}

function reservedName(profile: string): ExitError {
  return usageError(
    `profile '${profile}' cannot keep a secret in the keychain: ':' in a profile name is reserved there (account 'webhook:<profile>' holds a profile's webhook secret); rename the profile in the config file, or keep its secrets in the file`,
  );
}

/** "secret" or "webhook secret", for messages. */
function secretName(kind: SecretKind): string {
  return kind === "webhook" ? "webhook secret" : "secret";
}

const DEFAULT_TIMEOUT_SECONDS = 5;

type Binding = typeof import("@napi-rs/keyring");
type AsyncEntry = InstanceType<Binding["AsyncEntry"]>;

/** Why the store could not be used: decides the advice given. */
export type KeychainProblem = "unavailable" | "locked" | "timeout" | "failed";

export class KeychainError extends ExitError {
  constructor(
    readonly problem: KeychainProblem,
    /** What went wrong, without advice: "the keychain is locked (...)". */
    readonly reason: string,
    message: string,
  ) {
    super(ExitCode.usage, message);
  }
}

let binding: Promise<Binding> | undefined;
/**
 * Calls into the store not yet settled (a timed-out call may still hold the process),
 * shared by every bundle of the command line that includes this module.
 */
const shared = globalThis as Record<symbol, { pending: number } | undefined>;
const SHARED = Symbol.for("sinch-ticket.keychain");
shared[SHARED] ??= { pending: 0 };
const calls = shared[SHARED];

/** Whether a call into the store is still running (the process must then exit by itself). */
export function keychainBusy(): boolean {
  return calls.pending > 0;
}

/** The store's own words, short: the first sentence of the first line. */
function firstLine(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  const sentence = text.replace(/^(.*?\.)\s+[A-Z].*$/, "$1").replace(/\.$/, "");
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}

async function loadBinding(): Promise<Binding> {
  binding ??= import("@napi-rs/keyring").catch((error: unknown) => {
    throw new KeychainError(
      "unavailable",
      `the keychain binding (@napi-rs/keyring) could not load on ${process.platform}-${process.arch}: ${firstLine(error)}`,
      "",
    );
  });
  return binding;
}

/** Reads what a store's error says into one of the problems. */
function classify(error: unknown): { problem: KeychainProblem; reason: string } {
  if (error instanceof KeychainError) return { problem: error.problem, reason: error.reason };
  const text = firstLine(error);
  if (/did not receive a reply|timed? ?out|abort/i.test(text) || (error as Error)?.name === "AbortError") {
    return { problem: "timeout", reason: `the credential store did not answer (${text})` };
  }
  if (/lock|unlock|prompt/i.test(text)) return { problem: "locked", reason: `the keychain is locked (${text})` };
  if (/dbus|d-bus|platform|no such|not (?:available|supported|found)|service/i.test(text)) {
    return { problem: "unavailable", reason: `no credential store answered (${text})` };
  }
  return { problem: "failed", reason: `the credential store failed (${text})` };
}

export interface KeychainOptions {
  /** Seconds each call may take (SINCH_TICKET_KEYCHAIN_TIMEOUT, default 5). */
  timeoutSeconds?: number;
}

/** The advice that goes with each problem when reading a profile's secret. */
function readAdvice(problem: KeychainProblem, profile: string): string {
  switch (problem) {
    case "locked":
      return "unlock it (log in to the desktop session, or unlock the login keyring) and try again";
    case "timeout":
      return "check that the keychain service is running, then try again";
    default:
      return `use it where the keychain works, or store the secret in the file: sinch-ticket config init --profile ${profile} --store file --force`;
  }
}

/**
 * The profiles' entries in the credential store. Each method throws KeychainError (exit 2)
 * with a message that names the profile; the binding loads on the first call.
 */
export class Keychain {
  private readonly timeoutMs: number;

  constructor(options: KeychainOptions = {}) {
    this.timeoutMs = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  /** Runs one call with a deadline; a call that never settles is left behind, counted. */
  private async call<T>(
    profile: string,
    kind: SecretKind,
    work: (entry: AsyncEntry, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const account = keychainAccount(profile, kind);
    const { AsyncEntry } = await loadBinding();
    const signal = AbortSignal.timeout(this.timeoutMs);
    calls.pending++;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`timed out after ${this.timeoutMs / 1000} s`), { name: "AbortError" })),
        this.timeoutMs + 250,
      );
    });
    // On Linux, the Secret Service only: the kernel keyring the library would otherwise
    // fall back to forgets everything at log-out.
    const running = (async () =>
      work(new AsyncEntry(KEYCHAIN_SERVICE, account, { linux: { store: "secret-service" } }), signal))();
    running.then(
      () => calls.pending--,
      () => calls.pending--,
    );
    try {
      return await Promise.race([running, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The secret stored for the profile, or null when there is no entry. */
  async get(profile: string, kind: SecretKind = "application"): Promise<string | null> {
    try {
      return await this.call(profile, kind, (entry, signal) => entry.getPassword(signal));
    } catch (error) {
      if (!(error instanceof KeychainError) && error instanceof ExitError) throw error;
      const { problem, reason } = classify(error);
      throw new KeychainError(
        problem,
        reason,
        `profile '${profile}' keeps its ${secretName(kind)} in the keychain, but ${reason}: ${readAdvice(problem, profile)}`,
      );
    }
  }

  /** Stores the secret for the profile, replacing any entry. */
  async set(profile: string, secret: string, kind: SecretKind = "application"): Promise<void> {
    try {
      await this.call(profile, kind, (entry, signal) => entry.setPassword(secret, signal));
    } catch (error) {
      if (!(error instanceof KeychainError) && error instanceof ExitError) throw error;
      const { problem, reason } = classify(error);
      throw new KeychainError(
        problem,
        reason,
        `cannot store the ${secretName(kind)} of profile '${profile}' in the keychain: ${reason}`,
      );
    }
  }

  /** Deletes the profile's entry; false when there was none. */
  async delete(profile: string, kind: SecretKind = "application"): Promise<boolean> {
    try {
      return await this.call(profile, kind, (entry, signal) => entry.deleteCredential(signal));
    } catch (error) {
      if (!(error instanceof KeychainError) && error instanceof ExitError) throw error;
      const { problem, reason } = classify(error);
      throw new KeychainError(
        problem,
        reason,
        `cannot delete the keychain entry of profile '${profile}'${kind === "webhook" ? " (webhook secret)" : ""}: ${reason}`,
      );
    }
  }
}

/** The call timeout from SINCH_TICKET_KEYCHAIN_TIMEOUT (seconds), if set; exit 2 if it is no such number. */
export function keychainTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 120) {
    throw usageError("SINCH_TICKET_KEYCHAIN_TIMEOUT must be a number of seconds, more than 0 and at most 120");
  }
  return seconds;
}
