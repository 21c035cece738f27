import { InvalidInputError } from "../errors.js";

/** What the request readers (raw HTTP in http.ts, curl in curl.ts) share: the result and its limits. */

/** The largest request read (body and headers together). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface ParsedRequest {
  /** What the text was. */
  kind: "http" | "curl";
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query without its `?`; null when there is none. */
  query: string | null;
  /** The headers in the order given, names as written. */
  headers: [string, string][];
  body: Uint8Array;
  /** What was noticed while reading (a body cut to Content-Length, curl's implied headers). */
  notes: string[];
}

/** The first value of a header, its name matched case-insensitively. */
export function headerValue(request: Pick<ParsedRequest, "headers">, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [n, v] of request.headers) if (n.length === lower.length && n.toLowerCase() === lower) return v;
  return undefined;
}

export interface ParseOptions {
  /** The text came through a pipe or a file that may have added one line ending at the end. */
  trailingNewlineAdded?: boolean;
  /**
   * Reads a file a curl command names (`-d @file`, `--data-urlencode name@file`), as curl
   * would from where it runs; without it such a command is refused. It should stop reading
   * past `MAX_REQUEST_BYTES` (a file such as `/dev/zero` never ends); more is refused.
   */
  readFile?: (path: string) => Uint8Array;
}

/** The path and query of a request target (origin form, or an absolute URL). */
export function splitTarget(target: string): { path: string; query: string | null } {
  let rest = target;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length) || "/";
  rest = rest.split("#")[0] as string;
  const at = rest.indexOf("?");
  if (at === -1) return { path: rest, query: null };
  return { path: rest.slice(0, at), query: rest.slice(at + 1) };
}

/** What could not be read, as the error every reader throws. */
export function requestError(message: string): InvalidInputError {
  return new InvalidInputError("invalid_option", message);
}
