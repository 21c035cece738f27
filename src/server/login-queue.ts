/** One address's line: checks waiting their turn, and how many it holds (waiting or running). */
interface Line {
  waiting: (() => void)[];
  held: number;
  /** When this address's last check started (a count of starts; 0: never). */
  lastStart: number;
}

/**
 * Password checks queued per address and served in turn, so that one address cannot hold
 * up another's logins whatever it sends. At most `atOnce` checks run together (one per
 * bcrypt thread); the next to start is the oldest waiting check of the address whose last
 * check started longest ago (an address that never had one goes first). So a login from
 * another address waits for the checks already running and at most one more per address
 * with checks waiting, however many one address sends. An address holds at most
 * `perAddress` checks, waiting or running: beyond that `run` refuses at once, and nothing
 * is checked.
 */
export class LoginQueue {
  private readonly lines = new Map<string, Line>();
  private running = 0;
  private starts = 0;

  constructor(
    private readonly atOnce: number,
    private readonly perAddress: number,
  ) {}

  /** Checks waiting or running for an address. */
  held(address: string): number {
    return this.lines.get(address)?.held ?? 0;
  }

  /** Runs `check` in its address's turn; null, without running it, when that address's queue is full. */
  run<T>(address: string, check: () => Promise<T>): Promise<T> | null {
    let line = this.lines.get(address);
    if (line === undefined) {
      line = { waiting: [], held: 0, lastStart: 0 };
      this.lines.set(address, line);
    }
    if (line.held >= this.perAddress) return null;
    line.held++;
    const held = line;
    return new Promise<T>((resolve, reject) => {
      held.waiting.push(() => {
        this.running++;
        let result: Promise<T>;
        try {
          result = check();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => {
          this.running--;
          held.held--;
          if (held.held === 0 && this.lines.get(address) === held) this.lines.delete(address);
          this.next();
        });
      });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.atOnce) {
      let turn: Line | undefined;
      for (const line of this.lines.values()) {
        if (line.waiting.length > 0 && (turn === undefined || line.lastStart < turn.lastStart)) turn = line;
      }
      if (turn === undefined) return;
      turn.lastStart = ++this.starts;
      turn.waiting.shift()?.();
    }
  }
}
