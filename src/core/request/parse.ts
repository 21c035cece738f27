import { parseCurl } from "./curl.js";
import { parseHttp } from "./http.js";
import { MAX_REQUEST_BYTES, type ParsedRequest, type ParseOptions, requestError } from "./message.js";

/**
 * Reads a request as it was sent or received: a raw HTTP request (request line, headers,
 * blank line, body: from a server log, `nc -l`, a proxy, a browser's "copy as raw") or a
 * `curl` command line. The body is kept as bytes, exactly.
 */

export { headerValue, MAX_REQUEST_BYTES, type ParsedRequest, type ParseOptions } from "./message.js";
export { shellWords } from "./shell-words.js";

/**
 * Reads a raw HTTP request or a curl command. Bytes are read as Latin-1 so that the body
 * keeps every byte; header values are taken as UTF-8 text. Throws an `InvalidInputError`
 * saying what could not be read.
 */
export function parseRequest(input: Uint8Array | string, options: ParseOptions = {}): ParsedRequest {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input);
  if (bytes.length > MAX_REQUEST_BYTES) {
    throw requestError(`the request is ${bytes.length} bytes long; at most ${MAX_REQUEST_BYTES} (1 MB) are read`);
  }
  const text = bytes.toString("latin1");
  const start = /^\s*/.exec(text)?.[0].length ?? 0;
  if (/^(\$\s*)?curl\s/.test(text.slice(start))) return parseCurl(bytes.subarray(start).toString("utf8"), options);
  return parseHttp(text.slice(start), options);
}
