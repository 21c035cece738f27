/** Worker thread of `callback listen`: checks the batches of requests the receiver sends. */
import { parentPort, workerData } from "node:worker_threads";
import { Checker, type CheckSetup, decodeBatch } from "./check.js";

const checker = new Checker(workerData as CheckSetup);
parentPort?.on("message", (batch: string) => {
  parentPort?.postMessage(checker.check(decodeBatch(batch)));
});
