/** Reading a file with a limit: never more than the limit and one byte, whatever the file. */
import * as fs from "node:fs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAtMost, type SyncFileSystem } from "../../../src/cli/terminal/bytes.js";
import { MAX_REQUEST_BYTES } from "../../../src/core/request/parse.js";

/** node:fs, counting the bytes read and the descriptors left open. */
function counting(): { fs: SyncFileSystem; read: () => number; open: () => number } {
  let read = 0;
  let open = 0;
  return {
    fs: {
      openSync: ((...args: Parameters<typeof fs.openSync>) => {
        open++;
        return fs.openSync(...args);
      }) as typeof fs.openSync,
      closeSync: (fd: number) => {
        open--;
        fs.closeSync(fd);
      },
      fstatSync: fs.fstatSync,
      readSync: ((...args: Parameters<typeof fs.readSync>) => {
        const n = (fs.readSync as (...a: unknown[]) => number)(...args);
        read += n;
        return n;
      }) as typeof fs.readSync,
    },
    read: () => read,
    open: () => open,
  };
}

describe("readAtMost", () => {
  const dir = mkdtempSync(join(tmpdir(), "st-bytes-"));
  const big = join(dir, "big.bin");
  writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 0x61));

  it("stops one byte past the limit on a file that never ends (/dev/zero)", () => {
    for (const limit of [0, 1000, 200 * 1024, MAX_REQUEST_BYTES]) {
      const c = counting();
      expect(readAtMost("/dev/zero", limit, c.fs)).toEqual({ bytes: Buffer.alloc(0), over: true });
      expect(c.read()).toBe(limit + 1);
      expect(c.open()).toBe(0);
    }
  });

  it("stops one byte past the limit on a 2 MB file", () => {
    const c = counting();
    expect(readAtMost(big, MAX_REQUEST_BYTES, c.fs).over).toBe(true);
    expect(c.read()).toBe(MAX_REQUEST_BYTES + 1);
    expect(c.open()).toBe(0);
  });

  it("returns a file within the limit whole, the limit itself included", () => {
    const exact = join(dir, "exact.bin");
    writeFileSync(exact, Buffer.alloc(1000, 0x62));
    for (const limit of [1000, 5000]) {
      const c = counting();
      const { bytes, over } = readAtMost(exact, limit, c.fs);
      expect(over).toBe(false);
      expect(bytes.equals(Buffer.alloc(1000, 0x62))).toBe(true);
      expect(c.read()).toBe(1000);
    }
    expect(readAtMost(exact, 999).over).toBe(true);
    const empty = join(dir, "empty");
    writeFileSync(empty, "");
    expect(readAtMost(empty, 10)).toEqual({ bytes: Buffer.alloc(0), over: false });
  });

  it("refuses a directory (EISDIR) and closes it", () => {
    const c = counting();
    expect(() => readAtMost(dir, 10, c.fs)).toThrow(expect.objectContaining({ code: "EISDIR" }));
    expect(c.open()).toBe(0);
  });
});
