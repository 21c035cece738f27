// A probe of `callback listen --forward-to` at the sizes that once broke it (not part of
// `npm run bench`): a backend answering 400 MB, read by the caller, and a backend that
// sends one byte every 20 s. Prints the receiver's peak memory (VmHWM) and what the
// caller got. `npm run build && node bench/receiver-stream.mjs [--mb 400] [--limit 30]`.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/sinch-ticket.cjs", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const megabytes = arg("--mb", 400);
const limitSeconds = arg("--limit", 30);

const chunk = Buffer.alloc(1024 * 1024, 0x61);
const backend = createServer((req, res) => {
  req.resume();
  if (req.url.startsWith("/big")) {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    let sent = 0;
    const pump = () => {
      while (sent < megabytes) {
        sent++;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    pump();
  } else {
    // One byte every 20 s, for ever: only the receiver's total limit ends it.
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("x");
    const timer = setInterval(() => res.write("x"), 20_000);
    res.on("close", () => clearInterval(timer));
  }
});
await new Promise((resolve) => backend.listen(0, "127.0.0.1", resolve));
const backendUrl = `http://127.0.0.1:${backend.address().port}`;

const receiver = spawn(
  process.execPath,
  [
    CLI,
    "callback",
    "listen",
    "--port",
    "0",
    "--demo",
    "--forward-to",
    backendUrl,
    "--backend-timeout",
    `${limitSeconds}s`,
  ],
  { stdio: ["ignore", "pipe", "pipe"] },
);
let out = "";
let log = "";
receiver.stdout.on("data", (d) => (out += d));
receiver.stderr.on("data", (d) => (log += d));
while (!/^http:\/\/\S+\n/.test(out)) await new Promise((r) => setTimeout(r, 20));
const port = Number(/:(\d+)\n/.exec(out)[1]);
const hwm = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${receiver.pid}/status`, "utf8"));
  return Math.round(Number(m[1]) / 1024);
};

function call(path) {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST" }, (res) => {
      let bytes = 0;
      res.on("data", (d) => (bytes += d.length));
      res.on("end", () =>
        resolve({ status: res.statusCode, bytes, seconds: (Date.now() - started) / 1000, ended: "end" }),
      );
      res.on("error", (e) =>
        resolve({ status: res.statusCode, bytes, seconds: (Date.now() - started) / 1000, ended: e.code }),
      );
      res.on("aborted", () =>
        resolve({ status: res.statusCode, bytes, seconds: (Date.now() - started) / 1000, ended: "reset" }),
      );
    });
    req.on("error", (e) => resolve({ status: null, bytes: 0, seconds: (Date.now() - started) / 1000, ended: e.code }));
    req.end("{}");
  });
}

const before = hwm();
const big = await call("/big");
const afterBig = hwm();
const slow = await call("/slow");
await new Promise((r) => setTimeout(r, 300));
receiver.kill("SIGTERM");
await new Promise((r) => receiver.on("exit", r));
backend.close();
console.log(`receiver peak memory before: ${before} MiB`);
console.log(
  `${megabytes} MB answer: status ${big.status}, ${(big.bytes / 1024 / 1024).toFixed(0)} MiB received in ${big.seconds.toFixed(1)} s; receiver peak memory ${afterBig} MiB`,
);
console.log(
  `a byte every 20 s: status ${slow.status}, ${slow.bytes} bytes, ${slow.ended} after ${slow.seconds.toFixed(1)} s (limit ${limitSeconds} s)`,
);
console.log("receiver's lines:");
console.log(
  log
    .split("\n")
    .filter((l) => /POST \/(big|slow)/.test(l))
    .join("\n"),
);
