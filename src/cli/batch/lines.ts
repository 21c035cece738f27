import { isUtf8 } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import { usageError } from "../terminal/exit.js";
import type { InStream } from "../terminal/io.js";
import { firstInvalidUtf8 } from "../terminal/utf8.js";

/**
 * How batch input bytes become text: strict UTF-8 (a byte that is not UTF-8 stops the
 * run), or converted from Latin-1 (ISO-8859-1) or Windows-1252. `lenient` is UTF-8 with
 * U+FFFD for bad bytes, for input that is diagnosed line by line instead.
 */
export type InputEncoding = "utf8" | "latin1" | "cp1252" | "lenient";

/** Lines longer than this are refused rather than buffered without bound. */
export const MAX_LINE_LENGTH = 1024 * 1024;

/**
 * A run of whole input lines: `text` holds `count` lines joined by "\n", the first being
 * line number `first` (1-based). A chunk marked `tooLong` stands for one line that was
 * longer than MAX_LINE_LENGTH and was dropped unread.
 */
export interface Chunk {
  first: number;
  count: number;
  text: string;
  tooLong?: true;
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
  const { text } = chunk;
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

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Splits a stream into chunks of whole lines, one per read, without splitting each line
 * (the job does that, on whichever thread runs it). Memory is bounded by the read size
 * and MAX_LINE_LENGTH.
 */
export async function* readChunks(stream: InStream, encoding: InputEncoding = "lenient"): AsyncGenerator<Chunk> {
  const decoder = new StringDecoder("utf8");
  const cp1252 = encoding === "cp1252";
  let pending = "";
  let skipping = false;
  let next = 1;
  /** Strict UTF-8: the bytes of a character cut by the end of a read, kept for the next. */
  let carry: Buffer = Buffer.alloc(0);
  const decode = (data: Buffer): string => {
    if (encoding === "lenient") return decoder.write(data);
    if (encoding === "latin1") return data.toString("latin1");
    if (cp1252) return fromCp1252(data);
    const bytes = carry.length > 0 ? Buffer.concat([carry, data]) : data;
    const cut = completeUtf8(bytes);
    carry = Buffer.from(bytes.subarray(cut));
    const body = bytes.subarray(0, cut);
    if (!isUtf8(body)) throw notUtf8(body, firstInvalidUtf8(body), pending, next);
    return body.toString("utf8");
  };
  for await (const data of stream) {
    let text = pending + (typeof data === "string" ? data : decode(data));
    if (skipping) {
      const end = text.indexOf("\n");
      if (end === -1) {
        pending = "";
        continue;
      }
      yield { first: next, count: 1, text: "", tooLong: true };
      next++;
      skipping = false;
      text = text.slice(end + 1);
    }
    const last = text.lastIndexOf("\n");
    if (last === -1) {
      pending = text;
    } else {
      const count = countNewlines(text, last + 1);
      yield { first: next, count, text: text.slice(0, last) };
      next += count;
      pending = text.slice(last + 1);
    }
    if (pending.length > MAX_LINE_LENGTH) {
      skipping = true;
      pending = "";
    }
  }
  if (carry.length > 0) throw notUtf8(carry, 0, pending, next);
  if (encoding === "lenient") pending += decoder.end();
  if (skipping) yield { first: next, count: 1, text: "", tooLong: true };
  else if (pending.length > 0) yield { first: next, count: 1, text: pending };
}

/** Where the characters of `bytes` end: before a last one whose bytes have not all arrived. */
function completeUtf8(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The usage error for a byte that is not UTF-8 at `at` of `bytes`, read after `pending` (line `next`). */
function notUtf8(bytes: Buffer, at: number, pending: string, next: number) {
  let line = next;
  let lineStart = -1;
  for (let i = bytes.indexOf(10); i !== -1 && i < at; i = bytes.indexOf(10, i + 1)) {
    line++;
    lineStart = i;
  }
  const offset = lineStart === -1 ? Buffer.byteLength(pending) + at : at - lineStart - 1;
  const byte = (bytes[at] as number).toString(16).toUpperCase().padStart(2, "0");
  return usageError(
    `line ${line} is not UTF-8: byte 0x${byte} at offset ${offset} (lines before it may be done): convert the input to UTF-8, or say how it is encoded with --input-encoding latin1|cp1252`,
  );
}

/**
 * Windows-1252 above 0x7F: 0x80-0x9F from this table (undefined ones keep their C1 code),
 * the rest as Latin-1. Written out: Node 20's TextDecoder reads "windows-1252" as Latin-1.
 */
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function fromCp1252(data: Buffer): string {
  const text = data.toString("latin1");
  return /[\x80-\x9f]/.test(text)
    ? text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string)
    : text;
}
