import { closeSync, fstatSync, openSync, readSync } from "node:fs";
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

/** The calls `readAtMost` makes: node:fs's, or a test's that counts the bytes read. */
export interface SyncFileSystem {
  openSync: typeof openSync;
  readSync: typeof readSync;
  closeSync: typeof closeSync;
  fstatSync: typeof fstatSync;
}

/** Node's own (named, not the namespace: start-up need not copy all of node:fs). */
const nodeFs: SyncFileSystem = { openSync, readSync, closeSync, fstatSync };

const CHUNK = 64 * 1024;

/**
 * A file's bytes, at most `limit` of them: read in chunks, and never more than `limit + 1`
 * bytes in all, since a device or a pipe (`/dev/zero`, `<(...)`) has no size to check first
 * and may never end. `over` says there was more than `limit`. A directory throws EISDIR.
 */
export function readAtMost(path: string, limit: number, fs: SyncFileSystem = nodeFs): { bytes: Buffer; over: boolean } {
  const fd = fs.openSync(path, "r");
  try {
    if (fs.fstatSync(fd).isDirectory()) {
      throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
    }
    return total > limit
      ? { bytes: Buffer.alloc(0), over: true }
      : { bytes: Buffer.concat(chunks, total), over: false };
  } finally {
    fs.closeSync(fd);
  }
}

/** A file's bytes, or standard input's for `-`; more than 1 MB, a directory or an unreadable file is exit 2. */
export async function readBodyFile(path: string, io: Io, option = "--body-file"): Promise<Buffer> {
  if (path === "-") return readStreamBytes(io.stdin, "the body on standard input");
  let read: { bytes: Buffer; over: boolean };
  try {
    read = readAtMost(resolve(io.cwd, path), MAX_REQUEST_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw usageError(`${option} ${path} is a directory`);
    throw usageError(`cannot read ${option} ${path} (${code ?? "error"})`);
  }
  if (read.over) {
    throw usageError(`${option} ${path} is larger than ${ONE_MB}: at most ${MAX_REQUEST_BYTES} bytes are read`);
  }
  return read.bytes;
}
