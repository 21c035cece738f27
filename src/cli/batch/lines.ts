import type { InStream } from "../terminal/io.js";

/** Lines longer than this (bytes as read, characters once decoded) are refused rather than buffered without bound. */
export const MAX_LINE_LENGTH = 1024 * 1024;

/**
 * A run of whole input lines: `count` lines joined by "\n", the first being line number
 * `first` (1-based), as UTF-8 `bytes` straight from the input (decoded by whichever thread
 * runs the job) or as `text`. A chunk marked `tooLong` stands for one line that was longer
 * than MAX_LINE_LENGTH and was dropped unread.
 */
export interface Chunk {
  first: number;
  count: number;
  text?: string;
  bytes?: Uint8Array;
  tooLong?: true;
}

const NEWLINE = 0x0a;

function chunkText(chunk: Chunk): string {
  if (chunk.text !== undefined) return chunk.text;
  const { bytes } = chunk;
  if (!bytes) return "";
  // Invalid sequences become U+FFFD, as a streaming decoder would: a chunk ends at a
  // newline, which never falls inside a UTF-8 sequence.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/**
 * Calls `fn` for each line of a chunk with its number ("\r\n" endings accepted); a line
 * over MAX_LINE_LENGTH comes with `tooLong` set and no text. No allocation per line
 * beyond the line itself: batch runs call this millions of times.
 */
export function eachLine(chunk: Chunk, fn: (text: string, number: number, tooLong: boolean) => void): void {
  if (chunk.tooLong) {
    fn("", chunk.first, true);
    return;
  }
  const text = chunkText(chunk);
  let start = 0;
  for (let i = 0; i < chunk.count; i++) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const stop = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (stop - start > MAX_LINE_LENGTH) fn("", chunk.first + i, true);
    else fn(text.slice(start, stop), chunk.first + i, false);
    start = end + 1;
  }
}

/** The first non-blank line of a chunk, or null. */
export function firstLine(chunk: Chunk): { number: number; text: string; tooLong: boolean } | null {
  let found: { number: number; text: string; tooLong: boolean } | null = null;
  eachLine(chunk, (text, number, tooLong) => {
    if (!found && (tooLong || text.trim() !== "")) found = { number, text, tooLong };
  });
  return found;
}

function countNewlines(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/**
 * Splits a stream into chunks of whole lines, one per read, without decoding or splitting
 * each line (the job does that, on whichever thread runs it). Memory is bounded by the
 * read size and MAX_LINE_LENGTH.
 */
export async function* readChunks(stream: InStream): AsyncGenerator<Chunk> {
  let pending: Buffer = Buffer.alloc(0);
  let skipping = false;
  let next = 1;
  for await (const data of stream) {
    const piece = typeof data === "string" ? Buffer.from(data, "utf8") : (data as Buffer);
    let bytes = pending.length > 0 ? Buffer.concat([pending, piece]) : piece;
    if (skipping) {
      const end = bytes.indexOf(NEWLINE);
      if (end === -1) {
        pending = Buffer.alloc(0);
        continue;
      }
      yield { first: next, count: 1, tooLong: true };
      next++;
      skipping = false;
      bytes = bytes.subarray(end + 1);
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last === -1) {
      pending = bytes;
    } else {
      const count = countNewlines(bytes, last + 1);
      yield { first: next, count, bytes: bytes.subarray(0, last) };
      next += count;
      pending = bytes.subarray(last + 1);
    }
    if (pending.length > MAX_LINE_LENGTH) {
      skipping = true;
      pending = Buffer.alloc(0);
    }
  }
  if (skipping) yield { first: next, count: 1, tooLong: true };
  else if (pending.length > 0) yield { first: next, count: 1, bytes: pending };
}
