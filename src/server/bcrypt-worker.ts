// A worker thread of the bcrypt pool: bcrypt is CPU work that would otherwise stop the
// server answering anything else (GET /healthz, other logins) while it runs.
import { parentPort } from "node:worker_threads";
import bcrypt from "bcryptjs";

parentPort?.on("message", (job: { id: number; password: string; hash: string }) => {
  let ok = false;
  try {
    ok = bcrypt.compareSync(job.password, job.hash);
  } catch {
    ok = false;
  }
  parentPort?.postMessage({ id: job.id, ok });
});
