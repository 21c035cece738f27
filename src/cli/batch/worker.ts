/** Worker thread for batch mode: runs the same per-chunk job as the main thread. */
import { parentPort, workerData } from "node:worker_threads";
import { type JobOptions, makeJob } from "./jobs.js";
import type { Chunk } from "./lines.js";

const job = makeJob(workerData as JobOptions);
parentPort?.on("message", (message: { id: number; chunk: Chunk }) => {
  parentPort?.postMessage({ id: message.id, result: job(message.chunk) });
});
