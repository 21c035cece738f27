/** One address-and-username pair, in the window that started with its first attempt. */
interface Entry {
  failures: number;
  /** Attempts whose password is being checked. */
  checking: number;
  /** Attempts waiting for a check to end, woken in order. */
  waiting: (() => void)[];
  /** When the window ends (ms). */
  resetAt: number;
}

/** How a checked attempt ended. */
export type Outcome = "right" | "wrong" | "unjudged";

/** An attempt let through (`end` says how its check ended), or why not. */
export type Attempt =
  | { allowed: true; end(outcome: Outcome): void }
  | { allowed: false; status: 429 | 503; retryAfterSeconds: number };

/**
 * The failed-login limit: at most `allowed` failed attempts per key (address and username)
 * in a window that starts with the first attempt. An attempt holds its place from the
 * moment its check starts: failures and checks under way together never exceed `allowed`,
 * so parallel guesses cannot all pass the limit while the first ones are being judged.
 * Attempts beyond that wait for a check to end: a right password gives its place to the
 * next, a wrong one keeps it, and once the failures fill the limit every waiting attempt
 * is refused (429) without its password being checked. So 1,000 parallel guesses check at
 * most `allowed` passwords, and ten parallel logins with the right password all succeed.
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

  constructor(
    private readonly allowed: number,
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly maxWaiting = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of pairs being counted. */
  get size(): number {
    return this.entries.size;
  }

  async attempt(key: string): Promise<Attempt> {
    const now = this.now();
    this.dropExpired(now);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.values().next().value as Entry;
        return this.refused(503, oldest);
      }
      entry = { failures: 0, checking: 0, waiting: [], resetAt: now + this.windowMs };
      this.entries.set(key, entry);
    }
    while (entry.failures < this.allowed && entry.failures + entry.checking >= this.allowed) {
      if (entry.waiting.length >= this.maxWaiting) return this.refused(429, entry);
      const turn = entry.waiting;
      await new Promise<void>((wake) => turn.push(wake));
    }
    if (entry.failures >= this.allowed) return this.refused(429, entry);
    entry.checking++;
    const held = entry;
    let ended = false;
    return {
      allowed: true,
      end: (outcome) => {
        if (ended) return;
        ended = true;
        held.checking--;
        if (outcome === "wrong") held.failures++;
        if (held.failures >= this.allowed) {
          // Locked: every waiting attempt is refused, none checked.
          for (const wake of held.waiting.splice(0)) wake();
        } else {
          held.waiting.shift()?.();
        }
        if (held.failures === 0 && held.checking === 0 && held.waiting.length === 0 && this.entries.get(key) === held) {
          this.entries.delete(key);
        }
      },
    };
  }

  private refused(status: 429 | 503, entry: Entry): Attempt {
    const retryAfterSeconds = Math.max(1, Math.ceil((entry.resetAt - this.now()) / 1000));
    return { allowed: false, status, retryAfterSeconds };
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.resetAt > now) return;
      this.entries.delete(key);
    }
  }
}
