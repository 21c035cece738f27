import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import bcrypt from "bcryptjs";

interface Slot {
  worker: Worker;
  jobs: Map<number, (ok: boolean) => void>;
}

/**
 * Password checks on worker threads, so that bcrypt (by design slow, and pure JavaScript
 * here) never holds up the server's event loop. Each job goes to the worker with the
 * fewest waiting; a worker that dies answers "no" for its jobs and is replaced on the next
 * check. Without a worker script (running from source) the checks run in-process.
 */
export class BcryptPool {
  private slots: Slot[] = [];
  private nextId = 0;

  constructor(
    private readonly workerScript: string | null,
    private readonly size = Math.max(1, availableParallelism()),
  ) {}

  compare(password: string, hash: string): Promise<boolean> {
    if (this.workerScript === null) return bcrypt.compare(password, hash);
    if (this.slots.length < this.size) this.spawn(this.workerScript);
    const slot = this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.jobs.set(id, resolve);
      slot.worker.postMessage({ id, password, hash });
    });
  }

  private spawn(script: string): void {
    const slot: Slot = { worker: new Worker(script), jobs: new Map() };
    slot.worker.unref();
    slot.worker.on("message", ({ id, ok }: { id: number; ok: boolean }) => {
      slot.jobs.get(id)?.(ok);
      slot.jobs.delete(id);
    });
    slot.worker.on("exit", () => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const resolve of slot.jobs.values()) resolve(false);
      slot.jobs.clear();
    });
    slot.worker.on("error", () => {});
    this.slots.push(slot);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
