import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ChunkResult, Job, JobOptions } from "./jobs.js";
import type { Chunk } from "./lines.js";

interface Slot {
  done: boolean;
  result?: ChunkResult;
  promise: Promise<ChunkResult>;
}

interface Helper {
  worker: Worker;
  busy: number;
}

/** Chunks a worker may hold at once: one running, one waiting, so it never idles. */
const PER_WORKER = 2;

/**
 * Runs chunks through the job. The first chunk runs on this thread; once a run proves
 * long (a second chunk), worker threads start, one per core but one, and this thread
 * takes a chunk itself whenever they are all full, so every core works. Results come
 * back in input order; only a few chunks are in flight, so memory stays flat.
 */
export class ChunkPipeline {
  private readonly queue: Slot[] = [];
  private readonly helpers: Helper[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, (r: ChunkResult) => void>();
  private failure: Error | null = null;
  private chunks = 0;

  constructor(
    private readonly job: Job,
    private readonly options: JobOptions,
    private readonly workerPath: string | null,
    private readonly workers = Math.max(1, availableParallelism() - 1),
  ) {}

  private startWorkers(): void {
    if (!this.workerPath) return;
    for (let i = 0; i < this.workers; i++) {
      const worker = new Worker(this.workerPath, {
        workerData: this.options,
        // A chunk needs little memory; small heaps keep the whole run flat.
        resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 16 },
      });
      const helper: Helper = { worker, busy: 0 };
      helper.worker.on("message", ({ id, result }: { id: number; result: ChunkResult }) => {
        helper.busy--;
        this.waiting.get(id)?.(result);
        this.waiting.delete(id);
      });
      helper.worker.on("error", (error) => {
        this.failure = error;
        for (const resolve of this.waiting.values()) resolve({ out: [], errors: [], counts: {} });
        this.waiting.clear();
      });
      this.helpers.push(helper);
    }
  }

  /** Queues a chunk; returns the results now ready to be written, in order. */
  push(chunk: Chunk): ChunkResult[] {
    this.chunks++;
    if (this.chunks === 2) this.startWorkers();
    const helper = this.failure
      ? undefined
      : this.helpers.reduce<Helper | undefined>(
          (a, h) => (h.busy < PER_WORKER && (!a || h.busy < a.busy) ? h : a),
          undefined,
        );
    if (helper) {
      const id = this.nextId++;
      helper.busy++;
      const slot = { done: false } as Slot;
      slot.promise = new Promise<ChunkResult>((resolve) => {
        this.waiting.set(id, (result) => {
          slot.done = true;
          slot.result = result;
          resolve(result);
        });
      });
      helper.worker.postMessage({ id, chunk });
      this.queue.push(slot);
    } else {
      const result = this.job(chunk);
      this.queue.push({ done: true, result, promise: Promise.resolve(result) });
    }
    return this.takeReady();
  }

  private takeReady(): ChunkResult[] {
    const ready: ChunkResult[] = [];
    while (this.queue[0]?.done) ready.push((this.queue.shift() as Slot).result as ChunkResult);
    return ready;
  }

  /** Waits for the oldest chunk when too many are in flight. */
  async backlog(): Promise<ChunkResult[]> {
    if (this.queue.length <= this.helpers.length * PER_WORKER + 1) return [];
    await this.queue[0]?.promise;
    this.check();
    return this.takeReady();
  }

  /** Waits for everything still in flight. */
  async drain(): Promise<ChunkResult[]> {
    const rest: ChunkResult[] = [];
    while (this.queue.length > 0) rest.push(await (this.queue.shift() as Slot).promise);
    this.check();
    return rest;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
