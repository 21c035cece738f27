/** Worker thread for batch mode: runs the same per-chunk job as the main thread. */
import { parentPort, workerData } from "node:worker_threads";
import { type JobOptions, makeJob } from "./jobs.js";
import type { Chunk } from "./lines.js";

const job = makeJob(workerData as JobOptions);
parentPort?.on("message", (message: { id: number; chunk: Chunk }) => {
  const result = job(message.chunk);
  // Encoded here, on this thread, and moved to the main thread rather than copied.
  const bytes = Buffer.from(result.out.join(""), "utf8");
  const out = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const transfer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer] : [];
  parentPort?.postMessage({ id: message.id, result: { ...result, out: [out] } }, transfer);
});
