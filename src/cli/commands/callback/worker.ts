/** Worker thread of `callback listen`: checks the batches of requests the receiver sends. */
import { parentPort, workerData } from "node:worker_threads";
import { type CheckSetup, checkAll, decodeBatch } from "./check.js";

const setup = workerData as CheckSetup;
parentPort?.on("message", (batch: string) => {
  parentPort?.postMessage(checkAll(decodeBatch(batch), setup));
});
