import { StringDecoder } from "node:string_decoder";
import type { InStream } from "../terminal/io.js";

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
export async function* readChunks(stream: InStream): AsyncGenerator<Chunk> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let skipping = false;
  let next = 1;
  for await (const data of stream) {
    let text = pending + (typeof data === "string" ? data : decoder.write(data));
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
  pending += decoder.end();
  if (skipping) yield { first: next, count: 1, text: "", tooLong: true };
  else if (pending.length > 0) yield { first: next, count: 1, text: pending };
}
