import { Worker } from "node:worker_threads";
import { type Answered, type Checked, Checker, type CheckSetup, encodeBatch, type Verify } from "./check.js";

/**
 * The requests `callback listen` has answered, checked in order and written as checked.
 * The requests of one turn of the event loop go together, as one batch, to a worker
 * thread: the receiver's own thread only passes requests on, so checking them costs it
 * (and the caller) nothing. Without a worker (running from source, SINCH_TICKET_WORKERS=0,
 * or after the worker failed) a batch is checked on this thread, once its turn ends.
 */
export class CheckQueue {
  private waiting: Answered[] = [];
  /** Batches sent to the worker and not yet answered, oldest first (it answers in order). */
  private readonly inFlight: Answered[][] = [];
  private worker: Worker | null;
  private drained: (() => void) | null = null;
  /** The checks of this thread, made when first needed (without a worker, or after it failed). */
  private here: Checker | null = null;

  constructor(
    private readonly setup: CheckSetup,
    workerPath: string | null,
    private readonly write: (checked: Checked) => void,
    private readonly warn: (message: string) => void,
    /** The verification on this thread (replaceable in tests). */
    private readonly verify?: Verify,
  ) {
    this.worker = workerPath ? this.start(workerPath) : null;
  }

  private checkHere(batch: Answered[]): Checked {
    this.here ??= new Checker(this.setup, this.verify);
    return this.here.check(batch);
  }

  private start(path: string): Worker {
    const worker = new Worker(path, { workerData: this.setup });
    worker.on("message", (checked: Checked) => {
      this.inFlight.shift();
      this.write(checked);
      this.settle();
    });
    worker.on("error", (error) => {
      // The batches it held are checked here, in their order, and so is what comes next.
      this.worker = null;
      this.warn(`the checking thread stopped (${error.message}): requests are checked on the main thread`);
      for (const batch of this.inFlight.splice(0)) this.write(this.checkHere(batch));
      this.settle();
    });
    return worker;
  }

  push(one: Answered): void {
    if (this.waiting.length === 0) setImmediate(this.send);
    this.waiting.push(one);
  }

  private readonly send = (): void => {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    if (this.worker) {
      this.inFlight.push(batch);
      this.worker.postMessage(encodeBatch(batch));
    } else {
      this.write(this.checkHere(batch));
    }
  };

  private settle(): void {
    if (this.inFlight.length === 0) this.drained?.();
  }

  /** Checks and writes everything received, then stops the worker. */
  async close(): Promise<void> {
    this.send();
    if (this.inFlight.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.worker?.terminate();
    this.worker = null;
  }
}
