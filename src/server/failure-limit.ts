/** One address-and-username pair, in the window that started with its first attempt. */
interface Entry {
  address: string;
  failures: number;
  /** Attempts whose password is being checked. */
  checking: number;
  /** Attempts waiting for a check to end, woken in order. */
  waiting: (() => void)[];
  /** When the window ends (ms). */
  resetAt: number;
}

/** What the table knows of one address. */
interface Source {
  /** Its pairs in the table. */
  pairs: number;
  /** The usernames that failed from it, each with the time of its last failure, oldest first. */
  failed: Map<string, number>;
}

/** How a checked attempt ended. */
export type Outcome = "right" | "wrong" | "unjudged";

/**
 * Why an attempt was refused: its pair is locked (`user`), its address has its share of
 * the table (`share`) or has failed with too many usernames (`spraying`), or the whole
 * table is full (`full`, 503).
 */
export type Refusal = "user" | "share" | "spraying" | "full";

/** An attempt let through (`end` says how its check ended), or why not. */
export type Attempt =
  | { allowed: true; end(outcome: Outcome): void }
  | { allowed: false; status: 429 | 503; reason: Refusal; retryAfterSeconds: number };

export interface FailureLimitOptions {
  /** Failed attempts per pair in a window, then 429 (5). */
  allowed: number;
  /** A pair's window (a minute). */
  windowMs: number;
  /** Pairs counted at once, all addresses together: a bound on memory (503 beyond). */
  maxEntries: number;
  /** Pairs one address may have in the table (1,000): 429 for its new names beyond. */
  pairsPerAddress: number;
  /** Distinct usernames that may fail from one address in `sprayWindowMs` (20): 429 beyond. */
  namesFailing: number;
  /** The window of `namesFailing` (15 minutes). */
  sprayWindowMs: number;
  /** Attempts waiting per pair (1,000). */
  maxWaiting?: number;
  now?: () => number;
}

/**
 * The failed-login limit: at most `allowed` failed attempts per address and username in
 * a window that starts with the first attempt. An attempt holds its place from the
 * moment its check starts: failures and checks under way together never exceed `allowed`,
 * so parallel guesses cannot all pass the limit while the first ones are being judged.
 * Attempts beyond that wait for a check to end: a right password gives its place to the
 * next, a wrong one keeps it, and once the failures fill the limit every waiting attempt
 * is refused (429) without its password being checked. So 1,000 parallel guesses check at
 * most `allowed` passwords, and ten parallel logins with the right password all succeed.
 *
 * Between addresses: each address has a share of the table (`pairsPerAddress`); past it,
 * its new usernames are refused (429), never another address's. An address from which
 * more than `namesFailing` distinct usernames failed within `sprayWindowMs` is refused
 * altogether (429) until the oldest of those failures age out: one password tried over
 * many names. Only failures count, so logging in many users never trips it.
 *
 * Kept here rather than in @fastify/rate-limit, whose local store can only count an
 * attempt once it is over (or never give one back) and keeps the 5,000 most recently used
 * keys, so failures for other usernames evict a locked one. Here an entry leaves only when
 * its window is over. Memory is bounded: at most `maxEntries` pairs are counted at once (a
 * new pair beyond that is refused with 503 until the oldest window ends, rather than any
 * count being forgotten), and at most `maxWaiting` attempts wait per pair. Windows end in
 * the order they start, so the oldest entries are first in the map.
 */
export class FailureLimit {
  private readonly entries = new Map<string, Entry>();
  private readonly sources = new Map<string, Source>();
  private readonly maxWaiting: number;
  private readonly now: () => number;

  constructor(private readonly options: FailureLimitOptions) {
    this.maxWaiting = options.maxWaiting ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The number of pairs being counted. */
  get size(): number {
    return this.entries.size;
  }

  /** The number of pairs being counted for one address. */
  pairsOf(address: string): number {
    return this.sources.get(address)?.pairs ?? 0;
  }

  async attempt(address: string, username: string): Promise<Attempt> {
    const { allowed, windowMs, maxEntries, pairsPerAddress } = this.options;
    const now = this.now();
    this.dropExpired(now);
    const spraying = this.spraying(address, now);
    if (spraying !== null) return spraying;
    const key = `${address}\n${username}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const source = this.sources.get(address) ?? { pairs: 0, failed: new Map<string, number>() };
      if (source.pairs >= pairsPerAddress) return this.refused(429, "share", now + windowMs);
      if (this.entries.size >= maxEntries) {
        const oldest = this.entries.values().next().value as Entry;
        return this.refused(503, "full", oldest.resetAt);
      }
      entry = { address, failures: 0, checking: 0, waiting: [], resetAt: now + windowMs };
      this.entries.set(key, entry);
      source.pairs++;
      this.sources.set(address, source);
    }
    while (entry.failures < allowed && entry.failures + entry.checking >= allowed) {
      if (entry.waiting.length >= this.maxWaiting) return this.refused(429, "user", entry.resetAt);
      const turn = entry.waiting;
      await new Promise<void>((wake) => turn.push(wake));
    }
    if (entry.failures >= allowed) return this.refused(429, "user", entry.resetAt);
    entry.checking++;
    const held = entry;
    let ended = false;
    return {
      allowed: true,
      end: (outcome) => {
        if (ended) return;
        ended = true;
        held.checking--;
        if (outcome === "wrong") {
          held.failures++;
          const failed = this.sources.get(address)?.failed;
          failed?.delete(username);
          failed?.set(username, this.now());
        }
        if (held.failures >= allowed) {
          // Locked: every waiting attempt is refused, none checked.
          for (const wake of held.waiting.splice(0)) wake();
        } else {
          held.waiting.shift()?.();
        }
        if (held.failures === 0 && held.checking === 0 && held.waiting.length === 0 && this.entries.get(key) === held) {
          this.remove(key, held);
        }
      },
    };
  }

  /** A refusal when too many usernames failed from this address lately, else null. */
  private spraying(address: string, now: number): Attempt | null {
    const failed = this.sources.get(address)?.failed;
    if (failed === undefined) return null;
    const since = now - this.options.sprayWindowMs;
    for (const [name, at] of failed) {
      if (at > since) break;
      failed.delete(name);
    }
    this.forgetIfEmpty(address);
    const over = failed.size - this.options.namesFailing;
    if (over < 0) return null;
    // Allowed again once `over + 1` of the oldest failures have aged out.
    const times = [...failed.values()];
    return this.refused(429, "spraying", (times[over] as number) + this.options.sprayWindowMs);
  }

  private refused(status: 429 | 503, reason: Refusal, until: number): Attempt {
    const retryAfterSeconds = Math.max(1, Math.ceil((until - this.now()) / 1000));
    return { allowed: false, status, reason, retryAfterSeconds };
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    const source = this.sources.get(entry.address);
    if (source) source.pairs--;
    this.forgetIfEmpty(entry.address);
  }

  private forgetIfEmpty(address: string): void {
    const source = this.sources.get(address);
    if (source && source.pairs === 0 && source.failed.size === 0) this.sources.delete(address);
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.resetAt > now) return;
      this.remove(key, entry);
    }
  }
}
