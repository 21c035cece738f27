import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { MAX_REQUEST_BYTES } from "../../core/request/parse.js";
import { usageError } from "./exit.js";
import type { InStream, Io } from "./io.js";

const ONE_MB = "1 MB";

/** All of a stream as bytes, refusing more than `limit`. */
export async function readStreamBytes(stream: InStream, what: string, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    length += bytes.length;
    if (length > limit) throw usageError(`${what} is larger than ${ONE_MB}: at most ${limit} bytes are read`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** A file's bytes, or standard input's for `-`; more than 1 MB, a directory or an unreadable file is exit 2. */
export async function readBodyFile(path: string, io: Io, option = "--body-file"): Promise<Buffer> {
  if (path === "-") return readStreamBytes(io.stdin, "the body on standard input");
  const full = resolve(io.cwd, path);
  try {
    const stat = statSync(full);
    if (stat.isDirectory()) throw usageError(`${option} ${path} is a directory`);
    if (stat.size > MAX_REQUEST_BYTES) {
      throw usageError(`${option} ${path} is larger than ${ONE_MB}: at most ${MAX_REQUEST_BYTES} bytes are read`);
    }
    return readFileSync(full);
  } catch (error) {
    if (error instanceof Error && error.name === "ExitError") throw error;
    throw usageError(`cannot read ${option} ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
