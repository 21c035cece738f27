// A probe of `serve` under one address's flood, at the sizes that once stopped everyone's
// logins: 300 wrong logins with distinct names from 127.0.0.1 (bcrypt cost 10) while
// 127.0.0.9 logs in, then 50 connections x 1,000 pipelined distinct names from 127.0.0.1
// (once enough to fill the whole failure table), then logins from other addresses.
// It also times one login per user of a file with mixed costs, which serve warns about.
//
//   npm run build && node bench/serve-fairness.mjs
//
// Prints a table of figures on stdout (Markdown rows for docs/benchmarks.md). The times
// depend on the machine and its load; the counts do not.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.cjs");
const dir = mkdtempSync(join(tmpdir(), "st-serve-fairness-"));
const env = {
  PATH: process.env.PATH ?? "",
  HOME: dir,
  SINCH_APPLICATION_KEY: "5a2b4c8e-1f3d-4e6a-9b7c-0d1e2f3a4b5c",
  SINCH_APPLICATION_SECRET: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==",
  NO_COLOR: "1",
};
const PASSWORD = "correct horse battery staple";

async function startServe(file) {
  const rss = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const child = spawn(
    process.execPath,
    ["-r", join(root, "bench", "peak-rss.cjs"), cli, "serve", "--htpasswd", file, "--port", "0"],
    { env: { ...env, BENCH_RSS_FILE: rss }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => {
    log += d;
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${log}`)));
  });
  const stop = async () => {
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGTERM");
    await exited;
    return Number(readFileSync(rss, "utf8")) / 2 ** 20;
  };
  return { url, stop, log: () => log };
}

const agent = new Agent({ keepAlive: true, maxSockets: 400 });
/** One login; resolves with its status and the milliseconds it took. */
function login(base, username, password, localAddress) {
  const url = new URL(
    `/api/auth?username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}`,
    base,
  );
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, localAddress }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on("error", reject);
    req.end();
  });
}

const count = (statuses) => {
  const by = {};
  for (const s of statuses) by[s] = (by[s] ?? 0) + 1;
  return Object.entries(by)
    .map(([s, n]) => `${n.toLocaleString("en")} x ${s}`)
    .join(", ");
};

/** `connections` sockets from one address, each sending `perConnection` pipelined logins at once. */
function pipelined(base, connections, perConnection, localAddress) {
  const { hostname, port } = new URL(base);
  let name = 0;
  return Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise((resolve, reject) => {
          const socket = connect({ host: hostname, port: Number(port), localAddress });
          const statuses = [];
          let text = "";
          socket.on("data", (d) => {
            text += d.toString("latin1");
            let at = text.indexOf("HTTP/1.1 ");
            while (at !== -1) {
              statuses.push(Number(text.slice(at + 9, at + 12)));
              text = text.slice(at + 12);
              at = text.indexOf("HTTP/1.1 ");
            }
            if (statuses.length >= perConnection) socket.end();
          });
          socket.on("close", () => resolve(statuses));
          socket.on("error", reject);
          let batch = "";
          for (let i = 0; i < perConnection; i++) {
            batch += `POST /api/auth?username=spray${name++}&password=wrong HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`;
          }
          socket.write(batch);
        }),
    ),
  ).then((all) => all.flat());
}

const rows = [];
const row = (what, figure, note = "") => rows.push(`| ${what} | ${figure} | ${note} |`);

// 1. 300 wrong logins from one address, a right one from another.
{
  const file = join(dir, "cost10.htpasswd");
  writeFileSync(file, `alice:${bcrypt.hashSync(PASSWORD, 10)}\n`);
  const server = await startServe(file);
  await login(server.url, "alice", PASSWORD, "127.0.0.9"); // starts the bcrypt threads
  const flood = Array.from({ length: 300 }, (_, i) => login(server.url, `user${i}`, "wrong", "127.0.0.1"));
  await new Promise((r) => setTimeout(r, 20));
  const other = await login(server.url, "alice", PASSWORD, "127.0.0.9");
  const flooded = await Promise.all(flood);
  const slowest = Math.max(...flooded.map((r) => r.ms));
  row(
    "300 wrong logins, distinct names, from 127.0.0.1 (bcrypt cost 10); a right login from 127.0.0.9 meanwhile",
    `127.0.0.9: ${other.status} in ${other.ms.toFixed(0)} ms`,
    `127.0.0.1: ${count(flooded.map((r) => r.status))}; all 300 answered within ${slowest.toFixed(0)} ms`,
  );
  const rss = await server.stop();
  row("", `peak ${rss.toFixed(0)} MiB`, "");
}

// 2. 50 connections x 1,000 pipelined distinct names, then other addresses.
{
  const file = join(dir, "cost10b.htpasswd");
  writeFileSync(file, `alice:${bcrypt.hashSync(PASSWORD, 10)}\n`);
  const server = await startServe(file);
  const started = performance.now();
  const statuses = await pipelined(server.url, 50, 1000, "127.0.0.1");
  const took = performance.now() - started;
  const right = await login(server.url, "alice", PASSWORD, "127.0.0.9");
  const newName = await login(server.url, "nobody", "wrong", "127.0.0.10");
  const again = await login(server.url, "alice", PASSWORD, "127.0.0.1");
  const rss = await server.stop();
  row(
    "50 connections x 1,000 pipelined logins, distinct names, from 127.0.0.1",
    `${statuses.length.toLocaleString("en")} answered in ${(took / 1000).toFixed(1)} s: ${count(statuses)}`,
    `peak ${rss.toFixed(0)} MiB`,
  );
  row(
    "then: a right login from 127.0.0.9, a new name from 127.0.0.10, a right login from 127.0.0.1",
    `${right.status} in ${right.ms.toFixed(0)} ms, ${newName.status} in ${newName.ms.toFixed(0)} ms, ${again.status}`,
    "another address is never refused; the flooding one is refused for 15 minutes",
  );
}

// 3. Mixed costs: what serve warns about.
{
  const file = join(dir, "mixed.htpasswd");
  writeFileSync(file, `alice:${bcrypt.hashSync(PASSWORD, 5)}\nbob:${bcrypt.hashSync(PASSWORD, 10)}\n`);
  const server = await startServe(file);
  await login(server.url, "bob", PASSWORD, "127.0.0.9");
  const median = async (user, address) => {
    const times = [];
    for (let i = 0; i < 4; i++) times.push((await login(server.url, user, "wrong", address)).ms);
    times.sort((a, b) => a - b);
    return ((times[1] + times[2]) / 2).toFixed(1);
  };
  const figures = `alice (cost 5) ${await median("alice", "127.0.0.2")} ms, bob (cost 10) ${await median("bob", "127.0.0.3")} ms, an unknown name ${await median("nobody", "127.0.0.4")} ms`;
  await server.stop();
  const warned = /warning: .*"alice" \(cost 5\) hashed at a lower bcrypt cost/.test(server.log());
  row(
    "a wrong password, by user, in a file with costs 5 and 10 (median of 4)",
    figures,
    warned ? "serve warned at start, naming alice" : "NO WARNING",
  );
}

rmSync(dir, { recursive: true, force: true });
console.log("| probe | figure | note |\n|---|---|---|");
console.log(rows.join("\n"));
