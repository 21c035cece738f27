import { InvalidInputError } from "../errors.js";
import { dechunk } from "./chunked.js";

/**
 * Reads a request as it was sent or received: a raw HTTP request (request line, headers,
 * blank line, body: from a server log, `nc -l`, a proxy, a browser's "copy as raw") or a
 * `curl` command line. The body is kept as bytes, exactly.
 */

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

/** The path and query of a request target (origin form, or an absolute URL). */
function splitTarget(target: string): { path: string; query: string | null } {
  let rest = target;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length) || "/";
  rest = rest.split("#")[0] as string;
  const at = rest.indexOf("?");
  if (at === -1) return { path: rest, query: null };
  return { path: rest.slice(0, at), query: rest.slice(at + 1) };
}

function parseError(message: string): InvalidInputError {
  return new InvalidInputError("invalid_option", message);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface ParseOptions {
  /** The text came through a pipe or a file that may have added one line ending at the end. */
  trailingNewlineAdded?: boolean;
  /**
   * Reads a file a curl command names (`-d @file`, `--data-urlencode name@file`), as curl
   * would from where it runs; without it such a command is refused.
   */
  readFile?: (path: string) => Uint8Array;
}

/**
 * Reads a raw HTTP request or a curl command. Bytes are read as Latin-1 so that the body
 * keeps every byte; header values are taken as UTF-8 text. Throws an `InvalidInputError`
 * saying what could not be read.
 */
export function parseRequest(input: Uint8Array | string, options: ParseOptions = {}): ParsedRequest {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input);
  if (bytes.length > MAX_REQUEST_BYTES) {
    throw parseError(`the request is ${bytes.length} bytes long; at most ${MAX_REQUEST_BYTES} (1 MB) are read`);
  }
  const text = bytes.toString("latin1");
  const start = /^\s*/.exec(text)?.[0].length ?? 0;
  if (/^(\$\s*)?curl\s/.test(text.slice(start))) return parseCurl(bytes.subarray(start).toString("utf8"), options);
  return parseHttp(text.slice(start), options);
}

function parseHttp(text: string, options: ParseOptions): ParsedRequest {
  const firstEnd = text.search(/\r?\n|$/);
  const requestLine = text.slice(0, firstEnd);
  const line = /^([A-Za-z]+) +(\/\S*|https?:\/\/\S+)(?: +HTTP\/\d(?:\.\d)?)? *\r?$/i.exec(requestLine);
  if (!line) {
    throw parseError(
      "not an HTTP request or a curl command: the first line should read like `POST /path HTTP/1.1`, or start with `curl`",
    );
  }
  const headers: [string, string][] = [];
  let at = firstEnd;
  let bodyStart = text.length;
  while (at < text.length) {
    const nl = /\r?\n/.exec(text.slice(at));
    if (nl?.index !== 0) break;
    at += nl[0].length;
    const end = text.slice(at).search(/\r?\n|$/);
    const headerLine = text.slice(at, at + end);
    if (headerLine === "" || headerLine === "\r") {
      const after = /^\r?\n/.exec(text.slice(at + end));
      bodyStart = at + end + (after ? after[0].length : 0);
      break;
    }
    const colon = headerLine.indexOf(":");
    const name = colon === -1 ? "" : headerLine.slice(0, colon);
    if (!TOKEN.test(name)) {
      throw parseError(
        `line ${headers.length + 2} is no header (\`Name: value\`), and no blank line ends the headers before it`,
      );
    }
    // Only spaces and tabs around a value are no part of it (RFC 9110 5.5).
    const value = Buffer.from(headerLine.slice(colon + 1).replace(/^[ \t]+|[ \t\r]+$/g, ""), "latin1").toString("utf8");
    headers.push([name, value]);
    at += end;
  }
  const { path, query } = splitTarget(line[2] as string);
  let body: Buffer = Buffer.from(text.slice(bodyStart), "latin1");
  const notes: string[] = [];
  const declared = headers.find(([n]) => n.toLowerCase() === "content-length")?.[1];
  const codings = transferCodings(headers);
  if (codings.at(-1) === "chunked") {
    // Content-Length means nothing beside Transfer-Encoding (RFC 9112 6.3).
    const { body: data, chunks, trailers } = dechunk(body);
    body = data;
    notes.push(
      `the body was sent in chunked transfer encoding: de-chunked (${chunks} chunk${chunks === 1 ? "" : "s"}, ${data.length} bytes) before verifying${trailers.length ? `; trailer fields ${trailers.join(", ")} are no part of the body` : ""}`,
    );
    const other = codings.slice(0, -1).filter((c) => c !== "identity");
    if (other.length) {
      notes.push(`the body is still in transfer coding ${other.join(", ")}: it is verified as it is, not decoded`);
    }
  } else if (declared !== undefined && /^\d+$/.test(declared)) {
    const length = Number(declared);
    if (body.length > length && /^\s*$/.test(body.subarray(length).toString("latin1"))) {
      body = body.subarray(0, length);
    } else if (body.length < length) {
      notes.push(
        `the body is ${body.length} bytes, shorter than its Content-Length of ${length}: was it cut short when it was copied?`,
      );
    } else if (body.length > length) {
      notes.push(`the body is ${body.length} bytes, longer than its Content-Length of ${length}`);
    }
  } else if (options.trailingNewlineAdded && body.length > 0 && body[body.length - 1] === 0x0a) {
    body = body.subarray(0, body.length - (body.length > 1 && body[body.length - 2] === 0x0d ? 2 : 1));
  }
  return { kind: "http", method: line[1] as string, path, query, headers, body, notes };
}

/** The transfer codings of the Transfer-Encoding headers, in order, lower case. */
function transferCodings(headers: [string, string][]): string[] {
  return headers
    .filter(([n]) => n.toLowerCase() === "transfer-encoding")
    .flatMap(([, v]) => v.split(","))
    .map((c) => (c.split(";")[0] as string).trim().toLowerCase())
    .filter((c) => c !== "");
}

/** Splits a shell command line into words: quotes, `$'...'`, backslashes, line continuations. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const push = (s: string) => {
    word = (word ?? "") + s;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      i += text[i + 1] === "\n" ? 2 : 3;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw parseError("the curl command has an unclosed ' quote");
      push(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === "$" && text[i + 1] === "'") {
      i += 2;
      let s = "";
      for (;;) {
        if (i >= text.length) throw parseError("the curl command has an unclosed $' quote");
        const d = text[i] as string;
        if (d === "'") break;
        if (d !== "\\") {
          s += d;
          i++;
          continue;
        }
        const e = text[i + 1] ?? "";
        const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
        const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
        const uni = /^u([0-9a-fA-F]{4})/.exec(text.slice(i + 1));
        if (hex) {
          s += String.fromCharCode(Number.parseInt(hex[1] as string, 16));
          i += 1 + hex[0].length;
        } else if (uni) {
          s += String.fromCharCode(Number.parseInt(uni[1] as string, 16));
          i += 1 + uni[0].length;
        } else if (e in simple) {
          s += simple[e];
          i += 2;
        } else {
          s += `\\${e}`;
          i += 2;
        }
      }
      push(s);
      i++;
    } else if (c === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= text.length) throw parseError('the curl command has an unclosed " quote');
        const d = text[i] as string;
        if (d === '"') break;
        if (d === "\\" && /["\\$`\n]/.test(text[i + 1] ?? "")) {
          if (text[i + 1] !== "\n") s += text[i + 1];
          i += 2;
        } else {
          s += d;
          i++;
        }
      }
      push(s);
      i++;
    } else if (c === "\\") {
      push(text[i + 1] ?? "");
      i += 2;
    } else {
      push(c);
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** curl options that take a value and say nothing about the request's signed parts. */
const IGNORED_WITH_VALUE = new Set([
  "-o",
  "--output",
  "-A",
  "--user-agent",
  "-e",
  "--referer",
  "-b",
  "--cookie",
  "-c",
  "--cookie-jar",
  "-u",
  "--user",
  "-m",
  "--max-time",
  "--connect-timeout",
  "-w",
  "--write-out",
  "-x",
  "--proxy",
  "--retry",
  "--cacert",
  "--cert",
  "--key",
  "--resolve",
  "--connect-to",
  "-K",
  "--config",
]);

/** The body options; `--data-urlencode` and `--json` are read on their own terms. */
const DATA_OPTIONS = new Set(["-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"]);

/** Options whose body is multipart: its boundary is chosen by curl as it runs. */
const FORM_OPTIONS = new Set(["-F", "--form", "--form-string"]);

/**
 * URL-encoding as curl's `--data-urlencode` does it: every byte but A-Z, a-z, 0-9 and
 * `-._~` as `%XX`, and a space as `+` (curl 7.77 and later, RFC 1866's form encoding).
 */
function curlUrlEncode(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9._~-]/.test(c)) out += c;
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** One piece of curl's data, and what joins it to the pieces before. */
interface DataPiece {
  bytes: Buffer;
  /** `&` for every option but `--json`, which curl appends as it is. */
  separator: "&" | "";
}

function parseCurl(text: string, options: ParseOptions): ParsedRequest {
  const words = shellWords(text.replace(/^\$\s*/, ""));
  words.shift(); // curl
  let method: string | null = null;
  let url: string | null = null;
  const headers: [string, string][] = [];
  const data: DataPiece[] = [];
  let json = false;
  let head = false;
  let get = false;
  const fromFile = (flag: string, path: string): Buffer => {
    if (path === "-") {
      throw parseError(
        `the curl command reads its body from standard input (${flag} @-): paste the body in the command, or the request as raw HTTP`,
      );
    }
    if (!options.readFile) {
      throw parseError(
        `the curl command reads its body from a file (${flag} ...@${path}): paste the request as raw HTTP, or put the body in the command`,
      );
    }
    return Buffer.from(options.readFile(path));
  };
  const addData = (flag: string, v: string) => {
    if (flag === "--data-urlencode") {
      // curl's forms: name=content (the first '='), else name@file, else content; the name is
      // taken as already encoded, and '=' alone before the content is dropped.
      const eq = v.indexOf("=");
      const at = eq === -1 ? v.indexOf("@") : -1;
      const split = eq !== -1 ? eq : at;
      const name = split === -1 ? "" : v.slice(0, split);
      const content = split === -1 ? v : v.slice(split + 1);
      const bytes = at !== -1 ? fromFile(flag, content) : Buffer.from(content, "utf8");
      const encoded = curlUrlEncode(bytes);
      data.push({ bytes: Buffer.from(name === "" ? encoded : `${name}=${encoded}`, "latin1"), separator: "&" });
      return;
    }
    if (flag === "--json") json = true;
    let bytes: Buffer;
    if (v.startsWith("@") && flag !== "--data-raw") {
      const file = fromFile(flag, v.slice(1));
      // -d and --data-ascii drop carriage returns and newlines from a file; the others keep all.
      bytes =
        flag === "--data-binary" || flag === "--json"
          ? file
          : Buffer.from(file.filter((b) => b !== 0x0a && b !== 0x0d));
    } else bytes = Buffer.from(v, "utf8");
    data.push({ bytes, separator: flag === "--json" ? "" : "&" });
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const eq = /^(--[a-z-]+)=(.*)$/s.exec(word);
    const [flag, inline] = eq ? [eq[1] as string, eq[2] as string] : [word, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = words[++i];
      if (next === undefined) throw parseError(`the curl option ${flag} needs a value`);
      return next;
    };
    const short = /^(-[XHdF])(.+)$/s.exec(word);
    if (FORM_OPTIONS.has(short ? (short[1] as string) : flag)) {
      throw parseError(
        `the curl option ${short ? short[1] : flag} sends a multipart body whose boundary curl chooses when it runs, so the bytes it signs cannot be known from the command: paste the raw request instead (curl --trace-ascii - shows it)`,
      );
    }
    if (short) {
      const [, f, v] = short;
      if (f === "-X") method = v as string;
      else if (f === "-H") headers.push(splitHeader(v as string));
      else addData("-d", v as string);
    } else if (flag === "-X" || flag === "--request") method = value();
    else if (flag === "-H" || flag === "--header") headers.push(splitHeader(value()));
    else if (DATA_OPTIONS.has(flag) || flag === "--data-urlencode") addData(flag, value());
    else if (flag === "--url") url = value();
    else if (flag === "-I" || flag === "--head") head = true;
    else if (flag === "-G" || flag === "--get") get = true;
    else if (IGNORED_WITH_VALUE.has(flag)) value();
    else if (!flag.startsWith("-") || flag === "-") {
      if (url !== null) throw parseError("the curl command names more than one URL");
      url = word;
    }
  }
  if (url === null) throw parseError("the curl command has no URL");
  const notes: string[] = [];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  // --json's headers, each unless -H gives its own (curl lets -H replace them).
  if (json && !has("accept")) headers.push(["Accept", "application/json"]);
  if ((data.length > 0 && !get) || json) {
    if (!has("content-type")) {
      const implied = json ? "application/json" : "application/x-www-form-urlencoded";
      headers.push(["Content-Type", implied]);
      notes.push(`curl sends Content-Type: ${implied} with this body (no -H 'Content-Type: ...' was given)`);
    }
  }
  const joined = Buffer.concat(
    data.flatMap((piece, n) => (n === 0 ? [piece.bytes] : [Buffer.from(piece.separator), piece.bytes])),
  );
  const target = splitTarget(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
  let query = target.query;
  if (get && data.length > 0) {
    // -G: the data goes after the URL's own query, joined with '&', and there is no body.
    const extra = joined.toString("utf8");
    query = query === null || query === "" ? extra : `${query}&${extra}`;
    notes.push("curl -G sends the data in the query, not as a body");
  }
  return {
    kind: "curl",
    method: method ?? (head ? "HEAD" : data.length > 0 && !get ? "POST" : "GET"),
    path: target.path === "" ? "/" : target.path,
    query,
    headers,
    body: get ? Buffer.alloc(0) : joined,
    notes,
  };
}

function splitHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw parseError(`the curl header '${text.slice(0, 40)}' is not \`Name: value\``);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}
