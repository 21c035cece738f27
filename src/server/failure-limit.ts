/** One address-and-username pair: attempts counted (in flight or failed) in its window. */
interface Entry {
  count: number;
  /** When the window that started with the first counted attempt ends (ms). */
  resetAt: number;
}

/** An attempt let through (`succeeded` gives it back when the password was right), or why not. */
export type Attempt =
  | { allowed: true; succeeded(): void }
  | { allowed: false; status: 429 | 503; retryAfterSeconds: number };

/**
 * The failed-login limit: at most `allowed` attempts per key (address and username) in a
 * window that starts with the first one. An attempt counts from the moment it starts, so
 * that parallel guesses cannot all pass the check before the first password is judged;
 * a right password gives its attempt back.
 *
 * Kept here rather than in @fastify/rate-limit, whose local store can only count an
 * attempt once it is over (or never give one back) and keeps the 5,000 most recently used
 * keys, so failures for other usernames evict a locked one. Here an entry leaves only when
 * its window is over. Memory is bounded by `maxEntries`: when that many pairs are being
 * counted at once, a new pair is refused (503, until the oldest window ends) rather than
 * any count being forgotten. Windows end in the order they start, so the oldest are first
 * in the map and expired entries are dropped from its front.
 */
export class FailureLimit {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly allowed: number,
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of pairs being counted (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  attempt(key: string): Attempt {
    const now = this.now();
    this.dropExpired(now);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.values().next().value as Entry;
        return { allowed: false, status: 503, retryAfterSeconds: this.seconds(oldest.resetAt - now) };
      }
      entry = { count: 0, resetAt: now + this.windowMs };
      this.entries.set(key, entry);
    }
    if (entry.count >= this.allowed) {
      return { allowed: false, status: 429, retryAfterSeconds: this.seconds(entry.resetAt - now) };
    }
    entry.count++;
    const counted = entry;
    return {
      allowed: true,
      succeeded: () => {
        counted.count--;
        if (counted.count === 0 && this.entries.get(key) === counted) this.entries.delete(key);
      },
    };
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.resetAt > now) return;
      this.entries.delete(key);
    }
  }

  private seconds(ms: number): number {
    return Math.max(1, Math.ceil(ms / 1000));
  }
}
