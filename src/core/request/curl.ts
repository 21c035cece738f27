import { MAX_REQUEST_BYTES, type ParsedRequest, type ParseOptions, requestError, splitTarget } from "./message.js";
import { shellWords } from "./shell-words.js";

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

/** Reads a curl command line as the request curl would send. */
export function parseCurl(text: string, options: ParseOptions): ParsedRequest {
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
      throw requestError(
        `the curl command reads its body from standard input (${flag} @-): paste the body in the command, or the request as raw HTTP`,
      );
    }
    if (!options.readFile) {
      throw requestError(
        `the curl command reads its body from a file (${flag} ...@${path}): paste the request as raw HTTP, or put the body in the command`,
      );
    }
    const bytes = Buffer.from(options.readFile(path));
    if (bytes.length > MAX_REQUEST_BYTES) {
      throw requestError(
        `${path}, the file the curl command sends, is larger than 1 MB: at most ${MAX_REQUEST_BYTES} bytes are read`,
      );
    }
    return bytes;
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
      if (next === undefined) throw requestError(`the curl option ${flag} needs a value`);
      return next;
    };
    const short = /^(-[XHdF])(.+)$/s.exec(word);
    if (FORM_OPTIONS.has(short ? (short[1] as string) : flag)) {
      throw requestError(
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
      if (url !== null) throw requestError("the curl command names more than one URL");
      url = word;
    }
  }
  if (url === null) throw requestError("the curl command has no URL");
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
  if (colon <= 0) throw requestError(`the curl header '${text.slice(0, 40)}' is not \`Name: value\``);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}
