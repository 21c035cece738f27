import { describe, expect, it } from "vitest";
import { chunkLines, readChunks } from "../../helpers/chunks.js";

describe("chunked reading", () => {
  it("numbers lines the same however the input is split into reads", async () => {
    const text = "a\r\nb\n\nccc\nd";
    for (let size = 1; size <= text.length; size++) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(Buffer.from(text.slice(i, i + size)));
      const seen: [number, string][] = [];
      for await (const chunk of readChunks(pieces)) for (const l of chunkLines(chunk)) seen.push([l.number, l.text]);
      expect(seen, `read size ${size}`).toEqual([
        [1, "a"],
        [2, "b"],
        [3, ""],
        [4, "ccc"],
        [5, "d"],
      ]);
    }
  });

  it("keeps multi-byte characters whole across reads", async () => {
    const bytes = Buffer.from("Zoë\n张伟\n😀\n");
    const pieces = [...bytes].map((b) => Buffer.from([b]));
    const seen: string[] = [];
    for await (const chunk of readChunks(pieces)) for (const l of chunkLines(chunk)) seen.push(l.text);
    expect(seen).toEqual(["Zoë", "张伟", "😀"]);
  });
});
