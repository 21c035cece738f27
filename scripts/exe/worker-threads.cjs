// node:worker_threads as the standalone executable's code sees it. The npm build starts
// its worker threads from scripts beside the bundle (dist/batch-worker.cjs, ...); the
// executable carries those scripts as assets instead, and a worker asked for one of them
// runs the asset's code (`eval`), so that no script is read from disk. Any other worker
// starts as Node would start it.
const threads = require("node:worker_threads");
const { basename, dirname } = require("node:path");
const { getAsset } = require("node:sea");

// The names rolldown.exe.config.ts gives the worker scripts, and where the code looks for
// them: the folder of the bundle (for the executable, the folder it is in).
const SCRIPTS = new Set(["batch-worker.cjs", "callback-worker.cjs", "bcrypt-worker.cjs"]);
const beside = __dirname;

class Worker extends threads.Worker {
  constructor(filename, options) {
    if (typeof filename === "string" && dirname(filename) === beside && SCRIPTS.has(basename(filename))) {
      super(getAsset(basename(filename), "utf8"), { ...options, eval: true });
    } else {
      super(filename, options);
    }
  }
}

module.exports = { ...threads, Worker };
