// `npm run bench`: measures sinch-ticket against baselines in the same run, on this
// machine, and prints a table of medians and ratios. `--write` also records it in
// docs/benchmarks.md. Options: --lines N (batch input, default 200000), --runs N
// (batch repetitions, default 5), --startup-runs N (default 40), --load-seconds N (each
// load run, default 8), --load-rounds N (baseline and ours in turn: the plain server and
// `serve --any-user`, the plain forwarder and `callback listen`; default 5), --page-runs N
// (loads of each page, default 15),
// --memory-runs N (default 5), --only startup,batch,jwt,memory,load,page,scan,callback,exe
// (some sections).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin", "sinch-ticket.cjs");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const LINES = arg("--lines", 200_000);
const RUNS = arg("--runs", 5);
const STARTUP_RUNS = arg("--startup-runs", 40);
const MEMORY_LINES = 1_000_000;
const MEMORY_RUNS = arg("--memory-runs", 5);
// `--only startup,batch,memory,load,scan` runs some sections (for checking one figure again;
// `serve` is another name for `load`); only a full run may be recorded with --write.
const onlyAt = process.argv.indexOf("--only");
const ONLY = onlyAt === -1 ? null : (process.argv[onlyAt + 1] ?? "").split(",");
const section = (name) => ONLY === null || ONLY.includes(name);
if (ONLY && process.argv.includes("--write")) {
  console.error("--write records full runs only: leave out --only");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "sinch-ticket-bench-"));
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  SINCH_APPLICATION_KEY: "bench-application-key",
  SINCH_APPLICATION_SECRET: "WU9VUl9BUFBMSUNBVElPTl9TRUNSRVQ=",
};
const CREATED = "2026-01-01T00:00:00Z";

function run(command, args, { extraEnv = {}, stdout = "ignore", input } = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    env: { ...env, ...extraEnv },
    stdio: [input === undefined ? "ignore" : "pipe", stdout, "pipe"],
    input,
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs each case in turn, round after round, so drift in the machine hits all alike. */
function interleaved(cases, rounds) {
  const times = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of cases.entries()) times[i].push(c());
  }
  return times.map(median);
}

function writeInput(name, lines) {
  const path = join(dir, name);
  let text = "";
  for (let i = 1; i <= lines; i++) text += `user${i}@example.com\n`;
  writeFileSync(path, text);
  return path;
}

console.error(`preparing inputs in ${dir} ...`);
execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
const endpoints = writeInput("endpoints.txt", LINES);
const tickets = join(dir, "tickets.txt");
writeFileSync(
  tickets,
  run(process.execPath, [cli, "sign", "--batch", endpoints, "--created", CREATED, "--output-format", "csv"], {
    stdout: "pipe",
  })
    .stdout.toString()
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(",")[2])
    .join("\n") + "\n",
);
const oneTicket = readFileSync(tickets, "utf8").split("\n")[0];
// One signed callback as raw HTTP, for `request verify` (signed with the bench's credentials).
const { signCallback, sampleBody } = await import(join(root, "dist", "index.js"));
const signedAce = () => {
  const now = new Date();
  const body = sampleBody("ace", { applicationKey: env.SINCH_APPLICATION_KEY, now, id: "bench-call" });
  return signCallback({
    event: "ace",
    target: "/sinch/ace",
    body,
    credentials: { applicationKey: env.SINCH_APPLICATION_KEY, applicationSecret: env.SINCH_APPLICATION_SECRET },
    now,
    nonce: "",
  });
};
const aceRequest = (() => {
  const s = signedAce();
  const head = [`POST ${s.target} HTTP/1.1`, "host: 127.0.0.1", ...s.headers.map(([n, v]) => `${n}: ${v}`)];
  return `${head.join("\r\n")}\r\ncontent-length: ${s.body.length}\r\n\r\n${Buffer.from(s.body).toString("utf8")}`;
})();

const rows = [];
const ratioRow = (what, ours, base, baseName, note) =>
  rows.push([what, `${ours.toFixed(1)} ms`, `${base.toFixed(1)} ms (${baseName})`, note(ours, base)]);

/** The URL a server process prints as its first line when ready. */
function readyUrl(child, args) {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
  });
}

/** Starts a server process that prints its URL first; returns it with a stop function. */
async function startHttp(args, extraEnv = {}) {
  const rss = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const child = spawn(process.execPath, ["-r", join(root, "bench", "peak-rss.cjs"), ...args], {
    env: { ...env, ...extraEnv, BENCH_RSS_FILE: rss },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const url = await readyUrl(child, args);
  const stop = async () => {
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGTERM");
    await exited;
    return Number(readFileSync(rss, "utf8")) / 2 ** 20;
  };
  return { url, stop };
}

/** The run with the median requests/s, and the sums of errors and non-2xx answers. */
const medianRun = (list) => {
  const sorted = [...list].sort((a, b) => a.requests.average - b.requests.average);
  const mid = sorted[(sorted.length - 1) >> 1];
  const sum = (k) => list.reduce((n, r) => n + r[k], 0);
  return { ...mid, errors: sum("errors"), non2xx: sum("non2xx") };
};
const LOAD_SECONDS = arg("--load-seconds", 8);
// Round after round, the baseline and ours in turn (each a fresh process), the baseline
// first in even rounds and last in odd ones (so that drift in a shared machine favours
// neither), and the figure is the median of the rounds' own ratios: this machine's speed
// moves by up to half between runs of a few seconds, and a ratio of two medians taken from
// different rounds can carry that.
const LOAD_ROUNDS = arg("--load-rounds", 5);

/** Runs `baseline()` and `ours()` round after round in alternating order; their runs and ratios. */
async function pairedRounds(baseline, ours) {
  const runs = { baseline: [], ours: [] };
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    if (round % 2 === 0) {
      runs.baseline.push(await baseline());
      runs.ours.push(await ours());
    } else {
      runs.ours.push(await ours());
      runs.baseline.push(await baseline());
    }
  }
  const ratios = runs.ours.map((r, i) => r.requests.average / runs.baseline[i].requests.average);
  return { ...runs, ratios, ratio: median(ratios) };
}
const loadRow = (what, r, note) =>
  rows.push([
    what,
    `${Math.round(r.requests.average).toLocaleString("en")} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
    note,
    `${r.errors} errors, ${r.non2xx} non-2xx`,
  ]);
if (section("startup")) {
  // 1. Start-up: wall time of one command against bare `node -e 0`, in a minimal environment
  // and in this machine's environment as it is (variables such as NODE_EXTRA_CA_CERTS make
  // every Node start slower, which flatters the ratio: the minimal one is the honest figure).
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("npm_") && !k.startsWith("SINCH_")),
  );
  for (const [label, extraEnv] of [
    ["", {}],
    [" (this machine's environment)", { ...inherited, ...env }],
  ]) {
    console.error(`start-up${label} ...`);
    const [bare, minimal, ticketgen, sign, verify, requestVerify, uncached] = interleaved(
      [
        () => run(process.execPath, ["-e", "0"], { extraEnv }).ms,
        () => run(process.execPath, [join(root, "bench", "minimal-sign.cjs"), "alice"], { extraEnv }).ms,
        () => run(process.execPath, [join(root, "bench", "ticketgen-one.cjs"), "alice"], { extraEnv }).ms,
        () => run(process.execPath, [cli, "sign", "--no-input", "alice"], { extraEnv }).ms,
        () => run(process.execPath, [cli, "verify", "--ignore-time", oneTicket], { extraEnv }).ms,
        () => run(process.execPath, [cli, "request", "verify", "--ignore-time", aceRequest], { extraEnv }).ms,
        // What a first run pays (less the cache's writing): no compile cache at all.
        () =>
          run(process.execPath, [cli, "sign", "--no-input", "alice"], {
            extraEnv: { ...extraEnv, NODE_DISABLE_COMPILE_CACHE: "1" },
          }).ms,
      ],
      STARTUP_RUNS,
    );
    const versus = (o, b) => `${(o / b).toFixed(3)}x`;
    const limited = (o) =>
      `${versus(o, bare)} bare node (limit 1.6x), ${versus(o, ticketgen)} the sinch-ticketgen one-liner (limit 1.25x)`;
    ratioRow(
      `start-up floor${label}: \`bench/minimal-sign.cjs alice\``,
      minimal,
      bare,
      "`node -e 0`",
      (o, b) => `${versus(o, b)} bare node`,
    );
    ratioRow(
      `start-up${label}: \`bench/ticketgen-one.cjs alice\` (Sinch's generator)`,
      ticketgen,
      bare,
      "`node -e 0`",
      (o, b) => `${versus(o, b)} bare node`,
    );
    ratioRow(`start-up${label}: \`sign --no-input alice\``, sign, bare, "`node -e 0`", limited);
    ratioRow(
      `start-up${label}: \`sign --no-input alice\` with no compile cache (NODE_DISABLE_COMPILE_CACHE=1)`,
      uncached,
      bare,
      "`node -e 0`",
      (o, b) => `${versus(o, b)} bare node (no limit: what a first run pays, less writing the cache)`,
    );
    ratioRow(`start-up${label}: \`verify <ticket>\``, verify, bare, "`node -e 0`", limited);
    ratioRow(
      `start-up${label}: \`request verify <signed ACE callback>\``,
      requestVerify,
      bare,
      "`node -e 0`",
      (o, b) => `${versus(o, b)} bare node (limit 1.6x)`,
    );
    if (label === "") {
      for (const [name, t] of [
        ["sign", sign],
        ["verify", verify],
      ]) {
        if (t / bare > 1.6 || t / ticketgen > 1.25) {
          console.error(`start-up of ${name} is over its limit`);
          process.exitCode = 1;
        }
      }
      if (requestVerify / bare > 1.6) {
        console.error("start-up of request verify is over its limit");
        process.exitCode = 1;
      }
    }
  }
}

let identical = true;
if (section("batch")) {
  // 2. Batch sign and verify against plain loops doing the same work on the same input.
  console.error("batch ...");
  const plainSign = [
    join(root, "bench", "plain-sign.mjs"),
    endpoints,
    env.SINCH_APPLICATION_KEY,
    "2026-01-01T00:00:00.0000000Z",
  ];
  const ourSign = [cli, "sign", "--batch", endpoints, "--created", CREATED];
  const digest = (args, extraEnv) =>
    createHash("sha256")
      .update(run(process.execPath, args, { stdout: "pipe", extraEnv }).stdout)
      .digest("hex");
  identical =
    digest(plainSign) === digest(ourSign) && digest(ourSign) === digest(ourSign, { SINCH_TICKET_WORKERS: "0" });
  const [tPlainSign, tSign, tSignOne] = interleaved(
    [
      () => run(process.execPath, plainSign).ms,
      () => run(process.execPath, ourSign).ms,
      () => run(process.execPath, ourSign, { extraEnv: { SINCH_TICKET_WORKERS: "0" } }).ms,
    ],
    RUNS,
  );
  const speed = (o, b) =>
    `${(b / o).toFixed(2)}x the plain loop's throughput (${Math.round((LINES / o) * 1000).toLocaleString("en")} lines/s)`;
  ratioRow(`batch: \`sign --batch\`, ${LINES.toLocaleString("en")} lines`, tSign, tPlainSign, "plain loop", speed);
  ratioRow("batch: `sign --batch`, one thread (SINCH_TICKET_WORKERS=0)", tSignOne, tPlainSign, "plain loop", speed);
  const plainVerify = [join(root, "bench", "plain-verify.mjs"), tickets];
  const ourVerify = [cli, "verify", "--batch", tickets, "--ignore-time"];
  const [tPlainVerify, tVerify] = interleaved(
    [() => run(process.execPath, plainVerify).ms, () => run(process.execPath, ourVerify).ms],
    RUNS,
  );
  ratioRow(
    `batch: \`verify --batch\`, ${LINES.toLocaleString("en")} lines`,
    tVerify,
    tPlainVerify,
    "plain loop",
    speed,
  );
}

if (section("jwt")) {
  // 2b. Registration tokens in bulk against a plain loop doing the same signing. Tokens
  // carry random nonces, so the outputs are compared by their user ids and line count.
  console.error("jwt batch ...");
  const NOW = "2026-01-01T00:00:00Z";
  const plainToken = [join(root, "bench", "plain-token.mjs"), endpoints, env.SINCH_APPLICATION_KEY, NOW];
  const ourToken = [cli, "sign", "--format", "jwt", "--batch", endpoints, "--now", NOW];
  const users = (args, extraEnv) =>
    run(process.execPath, args, { stdout: "pipe", extraEnv })
      .stdout.toString()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l).userId)
      .join("\n");
  const expected = users(plainToken);
  if (users(ourToken) !== expected || users(ourToken, { SINCH_TICKET_WORKERS: "0" }) !== expected) identical = false;
  const [tPlainToken, tToken, tTokenOne] = interleaved(
    [
      () => run(process.execPath, plainToken).ms,
      () => run(process.execPath, ourToken).ms,
      () => run(process.execPath, ourToken, { extraEnv: { SINCH_TICKET_WORKERS: "0" } }).ms,
    ],
    RUNS,
  );
  const speed = (o, b) =>
    `${(b / o).toFixed(2)}x the plain loop's throughput (limit 0.9x; ${Math.round((LINES / o) * 1000).toLocaleString("en")} tokens/s)`;
  ratioRow(
    `batch: \`sign --format jwt --batch\`, ${LINES.toLocaleString("en")} lines`,
    tToken,
    tPlainToken,
    "plain loop",
    speed,
  );
  ratioRow(
    "batch: `sign --format jwt --batch`, one thread (SINCH_TICKET_WORKERS=0)",
    tTokenOne,
    tPlainToken,
    "plain loop",
    speed,
  );
  if (tPlainToken / tToken < 0.9) {
    console.error("sign --format jwt --batch is under 0.9x the plain loop's throughput");
    process.exitCode = 1;
  }
}

if (section("memory")) {
  // 3. Peak memory over a 1,000,000-line input. A single run's peak varies by several MiB
  // (when the collector happens to run), so both sides run MEMORY_RUNS times, in turn.
  console.error("memory ...");
  const big = writeInput("million.txt", MEMORY_LINES);
  const rssFile = join(dir, "rss");
  const preload = ["-r", join(root, "bench", "peak-rss.cjs")];
  const peak = (args) => () => {
    run(process.execPath, [...preload, ...args], { extraEnv: { BENCH_RSS_FILE: rssFile } });
    return Number(readFileSync(rssFile, "utf8")) / 2 ** 20;
  };
  const [peakSign, peakPlain] = interleaved(
    [
      peak([cli, "sign", "--batch", big, "--created", CREATED]),
      peak([join(root, "bench", "plain-sign.mjs"), big, "k", "x"]),
    ],
    MEMORY_RUNS,
  );
  rows.push([
    `peak memory: \`sign --batch\`, 1,000,000 lines, median of ${MEMORY_RUNS}`,
    `${peakSign.toFixed(0)} MiB`,
    `${peakPlain.toFixed(0)} MiB (plain loop, reads the whole file)`,
    "limit 150 MiB",
  ]);
}

if (section("load") || section("serve")) {
  // 4. serve under load: autocannon on loopback, side by side with a plain node:http server.
  console.error("serve under load ...");
  const autocannon = (await import("autocannon")).default;
  const load = (url, options = {}) =>
    autocannon({ url, method: "POST", connections: 100, duration: LOAD_SECONDS, ...options });
  const query = "/api/auth?username=alice&password=anything";
  let plainPeak = 0;
  let anyPeak = 0;
  const served = await pairedRounds(
    async () => {
      const plainServer = await startHttp([join(root, "bench", "plain-auth-server.mjs")]);
      const r = await load(plainServer.url + query);
      plainPeak = Math.max(plainPeak, await plainServer.stop());
      return r;
    },
    async () => {
      const anyUser = await startHttp([cli, "serve", "--any-user", "--port", "0"]);
      const r = await load(anyUser.url + query);
      anyPeak = Math.max(anyPeak, await anyUser.stop());
      return r;
    },
  );
  const plainLoad = medianRun(served.baseline);
  const anyLoad = medianRun(served.ours);
  loadRow(
    `load: plain node:http server, 100 connections, ${LOAD_SECONDS}s, median of ${LOAD_ROUNDS}`,
    plainLoad,
    `peak ${plainPeak.toFixed(0)} MiB`,
  );
  loadRow(
    `load: \`serve --any-user\`, 100 connections, ${LOAD_SECONDS}s, median of ${LOAD_ROUNDS}`,
    anyLoad,
    `${served.ratio.toFixed(2)}x the plain server's requests/s, the median of the rounds' ratios (limit 0.8x; rounds ${served.ratios.map((r) => r.toFixed(2)).join(", ")}); peak ${anyPeak.toFixed(0)} MiB (limit 200)`,
  );
  const loadOk = anyLoad.errors === 0 && anyLoad.non2xx === 0 && served.ratio >= 0.8 && anyPeak < 200;

  const htpasswd = join(dir, "users.htpasswd");
  const bcrypt = (await import("bcryptjs")).default;
  writeFileSync(htpasswd, `alice:${bcrypt.hashSync("wonderland", 10)}\n`);
  const withUsers = await startHttp([cli, "serve", "--htpasswd", htpasswd, "--port", "0"]);
  const [bcryptLoad, health] = await Promise.all([
    load(`${withUsers.url}/api/auth?username=alice&password=wonderland`, { connections: 10 }),
    autocannon({ url: `${withUsers.url}/healthz`, connections: 1, duration: LOAD_SECONDS }),
  ]);
  const usersPeak = await withUsers.stop();
  loadRow(
    `load: \`serve --htpasswd\` (bcrypt cost 10), 10 connections logging in`,
    bcryptLoad,
    `peak ${usersPeak.toFixed(0)} MiB`,
  );
  loadRow(
    "load: `GET /healthz` meanwhile, 1 connection",
    health,
    `p99 ${health.latency.p99} ms while bcrypt runs (limit 50 ms)`,
  );
  const healthOk = health.latency.p99 < 50 && health.errors === 0 && health.non2xx === 0;
  if (!loadOk || !healthOk) {
    console.error("serve under load is over a limit");
    process.exitCode = 1;
  }
}

if (section("page")) {
  // 5. The inspect page's first load in Chromium (playwright-core, Debian's Chromium), against
  // a trivial page served by the same server with the same headers: bytes transferred, and
  // the time from navigation until the page is set up and answers input (its own
  // performance mark), as a ratio. Each load in a fresh browser context (nothing cached).
  console.error("inspect page ...");
  const { chromium } = await import("playwright-core");
  const PAGE_RUNS = arg("--page-runs", 15);
  const started = [];
  const startPage = async (args, extraEnv = {}) => {
    const child = spawn(process.execPath, args, {
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "ignore"],
    });
    started.push(child);
    return readyUrl(child, args);
  };
  const pages = [
    ["inspect", await startPage([cli, "inspect", "--no-open"])],
    ["trivial", await startPage([join(root, "bench", "trivial-page-server.mjs")])],
    ["trivialCoop", await startPage([join(root, "bench", "trivial-page-server.mjs")], { BENCH_COOP: "1" })],
  ];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const loads = Object.fromEntries(pages.map(([name]) => [name, []]));
  const bytes = {};
  for (let round = 0; round < PAGE_RUNS; round++) {
    for (const [name, url] of pages) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.locator("body[data-ready=true]").waitFor();
      const m = await page.evaluate(`({
        ready: performance.getEntriesByName("inspect-ready")[0]?.startTime ?? -1,
        bytes: [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
          .reduce((sum, e) => sum + e.transferSize, 0),
      })`);
      loads[name].push(m.ready);
      bytes[name] = m.bytes;
      await context.close();
    }
  }
  await browser.close();
  for (const child of started) child.kill("SIGTERM");
  const [inspectMs, trivialMs, coopMs] = ["inspect", "trivial", "trivialCoop"].map((n) => median(loads[n]));
  rows.push([
    `inspect page: first load, ${PAGE_RUNS} loads each`,
    `${(bytes.inspect / 1024).toFixed(1)} KiB, interactive at ${inspectMs.toFixed(0)} ms`,
    `${(bytes.trivial / 1024).toFixed(1)} KiB, ${trivialMs.toFixed(0)} ms (trivial page, same server and headers)`,
    `${(inspectMs / trivialMs).toFixed(2)}x the trivial page (limit 1.5x)`,
  ]);
  rows.push([
    "inspect page: what Cross-Origin-Opener-Policy would cost (not sent)",
    `${coopMs.toFixed(0)} ms (trivial page with \`Cross-Origin-Opener-Policy: same-origin\`)`,
    `${trivialMs.toFixed(0)} ms (trivial page)`,
    `${(coopMs / trivialMs).toFixed(2)}x`,
  ]);
  if (inspectMs / trivialMs > 1.5 || bytes.inspect > 100 * 1024) {
    console.error("the inspect page is over its limit");
    process.exitCode = 1;
  }
}

if (section("scan")) {
  // 6. Reading pasted text: `decode -` over 10 MB of one base64 run without ':' (a pasted
  // file, no ticket in it: exit 6) against 10 MB of log lines (the same ticket on every
  // hundredth line: exit 0). Scanning is linear, so the two take about the same time.
  console.error("scanning pasted text ...");
  const SIZE = 10 * 2 ** 20;
  const run64 = createHash("sha256");
  let base64 = "";
  for (let i = 0; base64.length < SIZE; i++)
    base64 += run64.update(String(i)).copy().digest("base64").replace(/=+$/, "");
  base64 = base64.slice(0, SIZE);
  const logs = [];
  let logSize = 0;
  for (let i = 0; logSize < SIZE; i++) {
    const line =
      i % 100 === 0
        ? `2026-01-01T00:00:00Z INFO login user=bench ticket=${oneTicket} status=200\n`
        : `2026-01-01T00:00:00Z INFO GET /api/v1/items?page=${i}&sort=name id=${i} status=200 ms=${i % 97}\n`;
    logs.push(line);
    logSize += line.length;
  }
  const decode = (input, expected) => () => {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, "decode", "-"], { env, input, stdio: ["pipe", "ignore", "pipe"] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== expected) throw new Error(`decode - exited ${r.status}, not ${expected}: ${r.stderr}`);
    return ms;
  };
  const [logTime, base64Time] = interleaved([decode(logs.join(""), 0), decode(base64, 6)], RUNS);
  rows.push(["scan: `decode -`, 10 MiB of log lines", `${logTime.toFixed(1)} ms`, "", ""]);
  rows.push([
    "scan: `decode -`, 10 MiB of one base64 run without ':'",
    `${base64Time.toFixed(1)} ms`,
    `${logTime.toFixed(1)} ms (10 MiB of log lines)`,
    `${(base64Time / logTime).toFixed(2)}x the log lines (target at most 1.5x)`,
  ]);
  if (base64Time / logTime > 1.5) {
    console.error("scanning a base64 run is over 1.5x the log lines");
    process.exitCode = 1;
  }
}

if (section("callback")) {
  // 6. callback listen --forward-to under load, side by side with a plain node:http forwarder,
  // both passing signed ACE callbacks on to the same plain backend process.
  console.error("callback listen forwarding under load ...");
  const autocannon = (await import("autocannon")).default;
  const backend = await startHttp([join(root, "bench", "plain-backend.mjs")]);
  const ace = signedAce();
  const headers = Object.fromEntries(ace.headers);
  const drive = (url) =>
    autocannon({
      url: `${url}/sinch/ace`,
      method: "POST",
      headers,
      body: ace.body,
      connections: 100,
      duration: LOAD_SECONDS,
    });
  const forwarded = await pairedRounds(
    async () => {
      const plain = await startHttp([join(root, "bench", "plain-forwarder.mjs"), backend.url]);
      const r = await drive(plain.url);
      await plain.stop();
      return r;
    },
    async () => {
      const listen = await startHttp([cli, "callback", "listen", "--port", "0", "--forward-to", backend.url]);
      const r = await drive(listen.url);
      await listen.stop();
      return r;
    },
  );
  await backend.stop();
  const plainLoad = medianRun(forwarded.baseline);
  const listenLoad = medianRun(forwarded.ours);
  loadRow(
    `forwarding: plain node:http forwarder, 100 connections, ${LOAD_SECONDS}s, median of ${LOAD_ROUNDS}`,
    plainLoad,
    "baseline",
  );
  loadRow(
    `forwarding: \`callback listen --forward-to\` (each ACE checked), 100 connections, ${LOAD_SECONDS}s, median of ${LOAD_ROUNDS}`,
    listenLoad,
    `${forwarded.ratio.toFixed(2)}x the plain forwarder's requests/s, the median of the rounds' ratios (limit 0.8x; rounds ${forwarded.ratios.map((r) => r.toFixed(2)).join(", ")})`,
  );
  if (listenLoad.errors !== 0 || listenLoad.non2xx !== 0 || forwarded.ratio < 0.8) {
    console.error("callback listen forwarding is over a limit");
    process.exitCode = 1;
  }
}

if (section("exe")) {
  // 8. The standalone executable (`npm run build:exe`): its size, and its start-up against
  // bare `node -e 0` of the Node it carries (the one running this), limit 1.25x; `sign`
  // with the credentials in the environment, as in the start-up section. It reads its
  // code from itself with V8's code cache, where the npm build reads files from disk.
  console.error("standalone executable ...");
  execFileSync(process.execPath, [join(root, "scripts", "build-exe.mjs")], { cwd: root, stdio: "ignore" });
  const exe = join(root, "dist", "exe", "sinch-ticket");
  const mib = (path) => statSync(path).size / 2 ** 20;
  rows.push([
    "standalone executable: size",
    `${mib(exe).toFixed(1)} MiB`,
    `${mib(process.execPath).toFixed(1)} MiB (this Node's binary)`,
    `+${(mib(exe) - mib(process.execPath)).toFixed(1)} MiB`,
  ]);
  const [bare, version, sign] = interleaved(
    [
      () => run(process.execPath, ["-e", "0"]).ms,
      () => run(exe, ["--version"]).ms,
      () => run(exe, ["sign", "--no-input", "alice"]).ms,
    ],
    STARTUP_RUNS,
  );
  const limited = (o, b) => `${(o / b).toFixed(3)}x bare node (limit 1.25x)`;
  ratioRow("standalone executable: `--version`", version, bare, "`node -e 0`", limited);
  ratioRow("standalone executable: `sign --no-input alice`", sign, bare, "`node -e 0`", limited);
  for (const [name, t] of [
    ["--version", version],
    ["sign", sign],
  ]) {
    if (t / bare > 1.25) {
      console.error(`start-up of the executable's ${name} is over its limit`);
      process.exitCode = 1;
    }
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}.`,
  `Medians of ${STARTUP_RUNS} start-up runs and ${RUNS} batch runs, interleaved. Batch output of sign is byte-identical to the plain loop's and between one and two threads: ${identical ? "yes" : "NO"}.`,
  "",
  "| measure | sinch-ticket | baseline | ratio |",
  "|---|---|---|---|",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
].join("\n");
console.log(table);

if (process.argv.includes("--write")) {
  const path = join(root, "docs", "benchmarks.md");
  const doc = readFileSync(path, "utf8");
  const start = doc.indexOf("<!-- results -->");
  const end = doc.indexOf("<!-- /results -->");
  writeFileSync(path, `${doc.slice(0, start)}<!-- results -->\n${table}\n${doc.slice(end)}`);
  console.error(`recorded in ${path}`);
}
rmSync(dir, { recursive: true, force: true });
if (!identical) process.exitCode = 1;
