/**
 * The index of the first byte of `bytes` that does not begin a well-formed UTF-8
 * character (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no cut
 * sequence), or -1 when all of it is UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (more === 0 || i + more >= bytes.length) return i;
    const second = bytes[i + 1] as number;
    const [lo, hi] =
      c === 0xe0
        ? [0xa0, 0xbf]
        : c === 0xed
          ? [0x80, 0x9f]
          : c === 0xf0
            ? [0x90, 0xbf]
            : c === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= more; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

/**
 * Says where `text` (as decoded from a command line or a file) holds U+FFFD, the
 * character a decoder puts where bytes were not UTF-8: the UTF-8 byte offset of the first
 * one, or -1. Node decodes arguments before any code runs, so this is what is left to see.
 */
export function replacementOffset(text: string): number {
  const at = text.indexOf("\ufffd");
  return at === -1 ? -1 : Buffer.byteLength(text.slice(0, at));
}
