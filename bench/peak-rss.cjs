// Preloaded with `node -r`: reports the process's peak resident memory at exit, in bytes,
// to the file named by BENCH_RSS_FILE. Worker threads share the process, so it covers them.
const { writeFileSync } = require("node:fs");
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
