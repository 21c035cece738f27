import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import bcrypt from "bcryptjs";
import { CutShort } from "./app.js";

interface Job {
  resolve: (ok: boolean) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
}

/**
 * Password checks on worker threads, so that bcrypt (by design slow, and pure JavaScript
 * here) never holds up the server's event loop. Each job goes to the worker with the
 * fewest waiting; a worker that dies answers "no" for its jobs and is replaced on the next
 * check. Once the pool is closed (the server is stopping), checks in flight and new ones
 * fail with CutShort: a password that was never judged is not called wrong. Without a
 * worker script (running from source) the checks run in-process.
 */
export class BcryptPool {
  private slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly workerScript: string | null,
    readonly size = Math.max(1, availableParallelism()),
  ) {}

  compare(password: string, hash: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new CutShort());
    if (this.workerScript === null) return bcrypt.compare(password, hash);
    if (this.slots.length < this.size) this.spawn(this.workerScript);
    const slot = this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject });
      slot.worker.postMessage({ id, password, hash });
    });
  }

  private spawn(script: string): void {
    const slot: Slot = { worker: new Worker(script), jobs: new Map() };
    slot.worker.unref();
    slot.worker.on("message", ({ id, ok }: { id: number; ok: boolean }) => {
      slot.jobs.get(id)?.resolve(ok);
      slot.jobs.delete(id);
    });
    slot.worker.on("exit", () => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const job of slot.jobs.values()) {
        if (this.closed) job.reject(new CutShort());
        else job.resolve(false);
      }
      slot.jobs.clear();
    });
    slot.worker.on("error", () => {});
    this.slots.push(slot);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
