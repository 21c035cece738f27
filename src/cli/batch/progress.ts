import { clearLine, cursorTo } from "node:readline";
import type { OutStream } from "../terminal/io.js";

const SHOW_AFTER_MS = 1000;
const EVERY_MS = 100;

/**
 * A one-line progress display on stderr, only on a terminal and only once a run has lasted
 * about a second; cleared when the run ends.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDrawn = 0;
  private drawn = false;

  constructor(
    private readonly stream: OutStream,
    private readonly enabled: boolean,
    private readonly verb: string,
  ) {}

  update(done: number, failed: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < SHOW_AFTER_MS || now - this.lastDrawn < EVERY_MS) return;
    this.lastDrawn = now;
    this.drawn = true;
    const rate = Math.round(done / ((now - this.started) / 1000));
    this.erase();
    this.stream.write(
      `${this.verb} ${done.toLocaleString("en")} (${rate.toLocaleString("en")}/s)${failed ? `, ${failed} failed` : ""}`,
    );
  }

  finish(): void {
    if (this.drawn) this.erase();
  }

  /** Erases the line and goes back to its start (Node's own terminal sequences). */
  private erase(): void {
    const stream = this.stream as unknown as NodeJS.WritableStream;
    clearLine(stream, 0);
    cursorTo(stream, 0);
  }
}
