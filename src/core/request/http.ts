import { dechunk } from "./chunked.js";
import { type ParsedRequest, type ParseOptions, requestError, splitTarget } from "./message.js";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reads a raw HTTP request: request line, headers, blank line, body (bytes as Latin-1 text). */
export function parseHttp(text: string, options: ParseOptions): ParsedRequest {
  const firstEnd = text.search(/\r?\n|$/);
  const requestLine = text.slice(0, firstEnd);
  const line = /^([A-Za-z]+) +(\/\S*|https?:\/\/\S+)(?: +HTTP\/\d(?:\.\d)?)? *\r?$/i.exec(requestLine);
  if (!line) {
    throw requestError(
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
      throw requestError(
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
