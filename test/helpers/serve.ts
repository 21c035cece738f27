import { type ChildProcess, spawn } from "node:child_process";
import { CLI } from "./bin.js";

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `sinch-ticket serve` (or `inspect`: the built binary) and waits for its URL on stdout. */
export async function startServer(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
  command: "serve" | "inspect" = "serve",
): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI, command, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const line = /^(http:\/\/\S+)\n/.exec(out);
      if (line) {
        clearInterval(timer);
        resolve(line[1] as string);
      }
    }, 10);
    exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`serve exited ${code} before it was ready: ${err}`));
    });
  });
  return {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: (signal = "SIGTERM") => {
      child.kill(signal);
      return exited;
    },
  };
}

/** POSTs to the server; returns status, headers and the parsed JSON body. */
export async function post(
  url: string,
  init: { body?: string; type?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, string> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...(init.type ? { "content-type": init.type } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
}
