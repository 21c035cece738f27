import type { OutStream } from "../terminal/io.js";

const FLUSH_AT = 64 * 1024;

/**
 * Buffered output that respects backpressure (waits for 'drain'), so memory stays flat
 * however fast results are made. A reader that goes away (EPIPE, `| head`) sets `closed`
 * and the producer stops quietly.
 */
export class Sink {
  private buffer = "";
  closed = false;

  constructor(private readonly stream: OutStream) {
    // A reader that goes away (`| head`) ends the run quietly, without a stack trace.
    stream.on?.("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") this.closed = true;
    });
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (typeof data === "string") {
      this.buffer += data;
      if (this.buffer.length >= FLUSH_AT) await this.flush();
    } else if (data.byteLength > 0) {
      await this.flush();
      await this.send(data);
    }
  }

  async flush(): Promise<void> {
    if (this.buffer === "") return;
    const text = this.buffer;
    this.buffer = "";
    await this.send(text);
  }

  private async send(data: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(data) === false && this.stream.once) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off?.("drain", done);
          this.stream.off?.("error", done);
          this.stream.off?.("close", done);
          resolve();
        };
        this.stream.once?.("drain", done);
        this.stream.once?.("error", done);
        this.stream.once?.("close", done);
      });
    }
  }
}
