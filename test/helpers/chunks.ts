import { type Chunk, eachLine, readChunks as read } from "../../src/cli/batch/lines.js";

/** readChunks over an in-memory list of reads. */
export function readChunks(pieces: Buffer[]): AsyncGenerator<Chunk> {
  return read(
    (async function* () {
      yield* pieces;
    })(),
  );
}

export function chunkLines(chunk: Chunk): { number: number; text: string; tooLong: boolean }[] {
  const out: { number: number; text: string; tooLong: boolean }[] = [];
  eachLine(chunk, (text, number, tooLong) => out.push({ number, text, tooLong }));
  return out;
}
