import { processIo } from "./io.js";
import { run } from "./program.js";

// A reader that goes away (`| head`) is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
