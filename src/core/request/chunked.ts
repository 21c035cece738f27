import { InvalidInputError } from "../errors.js";

/**
 * The body of a request sent in chunked transfer encoding (RFC 9112 7.1), as the
 * application received it: each chunk's data, without the sizes, chunk extensions and
 * trailer fields around them. Lines may end in CRLF or, as pasted text often does, LF
 * alone (RFC 9112 2.2 lets a recipient take a bare LF).
 */
export interface Dechunked {
  body: Buffer;
  /** How many chunks carried data. */
  chunks: number;
  /** The trailer fields' names, in the order given. */
  trailers: string[];
}

function chunkError(message: string): InvalidInputError {
  return new InvalidInputError(
    "invalid_option",
    `the body is not in chunked form, though Transfer-Encoding says chunked: ${message} (paste the request as it was sent; if the body was already de-chunked, remove the Transfer-Encoding header)`,
  );
}

/** The end of the line starting at `from` (index of its CR or LF) and the index after it. */
function lineAt(bytes: Buffer, from: number): { text: string; next: number } | null {
  const lf = bytes.indexOf(0x0a, from);
  if (lf === -1) return null;
  const end = lf > from && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
  return { text: bytes.subarray(from, end).toString("latin1"), next: lf + 1 };
}

// chunk-size [ chunk-ext ]: 1*HEXDIG *( BWS ";" BWS name [ BWS "=" BWS value ] ).
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const CHUNK_EXT = `(?:[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?)*`;
const SIZE_LINE = new RegExp(`^([0-9A-Fa-f]+)${CHUNK_EXT}[ \\t]*$`);

/** De-chunks a chunked body; throws an `InvalidInputError` saying where it stops making sense. */
export function dechunk(bytes: Buffer): Dechunked {
  const parts: Buffer[] = [];
  let at = 0;
  for (let n = 1; ; n++) {
    const line = lineAt(bytes, at);
    if (line === null) {
      throw chunkError(
        at >= bytes.length ? "it ends before the last chunk (a size of 0)" : `chunk ${n} has no chunk size line`,
      );
    }
    const size = SIZE_LINE.exec(line.text);
    if (!size) throw chunkError(`chunk ${n} does not start with a chunk size in hex ('${line.text.slice(0, 20)}')`);
    const digits = (size[1] as string).replace(/^0+(?=.)/, "");
    const length = digits.length > 7 ? Number.POSITIVE_INFINITY : Number.parseInt(digits, 16);
    at = line.next;
    if (length === 0) break;
    if (at + length > bytes.length) {
      const left = bytes.length - at;
      throw chunkError(
        `chunk ${n} declares ${digits.length > 7 ? "more than 256 MB" : `${length} bytes`} but only ${left} follow`,
      );
    }
    parts.push(bytes.subarray(at, at + length));
    at += length;
    if (bytes[at] === 0x0d && bytes[at + 1] === 0x0a) at += 2;
    else if (bytes[at] === 0x0a) at += 1;
    else throw chunkError(`no line ending after the ${length} bytes of chunk ${n}`);
  }
  // The trailer section: field lines up to an empty line (or the end, when a paste lost it).
  const trailers: string[] = [];
  for (;;) {
    const line = lineAt(bytes, at);
    if (line === null) {
      if (bytes.subarray(at).toString("latin1").trim() !== "") {
        throw chunkError("a trailer field after the last chunk has no line ending");
      }
      break;
    }
    at = line.next;
    if (line.text === "") break;
    const colon = line.text.indexOf(":");
    const name = colon > 0 ? line.text.slice(0, colon) : "";
    if (!new RegExp(`^${TOKEN}$`).test(name)) {
      throw chunkError(`the line after the last chunk is no trailer field ('${line.text.slice(0, 20)}')`);
    }
    trailers.push(name);
  }
  if (!/^\s*$/.test(bytes.subarray(at).toString("latin1"))) {
    throw chunkError("there is text after the end of the chunked body");
  }
  return { body: Buffer.concat(parts), chunks: parts.length, trailers };
}
