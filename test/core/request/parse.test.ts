/** Reading pasted requests: raw HTTP as logged or copied, and curl commands as browsers and people write them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { headerValue, InvalidInputError, parseRequest, shellWords, verifyRequest } from "../../../src/index.js";

describe("raw HTTP", () => {
  it("reads the request line, headers and the body's exact bytes; CRLF or LF", () => {
    for (const nl of ["\r\n", "\n"]) {
      const r = parseRequest(
        `POST /a/b?x=1&y=2 HTTP/1.1${nl}Host: h${nl}Content-Type:  text/plain ${nl}${nl}line1\r\nline2`,
      );
      expect(r).toMatchObject({ kind: "http", method: "POST", path: "/a/b", query: "x=1&y=2" });
      expect(headerValue(r, "content-type")).toBe("text/plain");
      expect(Buffer.from(r.body).toString()).toBe("line1\r\nline2");
    }
  });

  it("takes an absolute target's path, HTTP/2, and no body", () => {
    const r = parseRequest("GET https://calling.api.sinch.com/calling/v1/calls/id/1 HTTP/2\nAuthorization: x");
    expect(r).toMatchObject({ method: "GET", path: "/calling/v1/calls/id/1", query: null });
    expect(r.body.length).toBe(0);
  });

  it("cuts a pasted trailing line ending to Content-Length, and notes a body cut short", () => {
    const r = parseRequest("POST / HTTP/1.1\nContent-Length: 2\n\n{}\n\n");
    expect(Buffer.from(r.body).toString()).toBe("{}");
    const short = parseRequest("POST / HTTP/1.1\nContent-Length: 10\n\n{}");
    expect(short.notes[0]).toContain("shorter than its Content-Length of 10");
    const piped = parseRequest("POST / HTTP/1.1\n\n{}\n", { trailingNewlineAdded: true });
    expect(Buffer.from(piped.body).toString()).toBe("{}");
  });

  it("keeps bytes that are not UTF-8", () => {
    const body = Buffer.from([0xff, 0x00, 0x80]);
    const r = parseRequest(Buffer.concat([Buffer.from("PUT /x HTTP/1.1\r\n\r\n"), body]));
    expect(Buffer.from(r.body).equals(body)).toBe(true);
  });

  it("refuses what is no request, saying what it expected", () => {
    expect(() => parseRequest("hello there")).toThrow(/not an HTTP request or a curl command/);
    expect(() => parseRequest("POST /x HTTP/1.1\nnot a header\n\n")).toThrow(/line 2 is no header/);
    expect(() => parseRequest(`POST /x HTTP/1.1\n\n${"a".repeat(1024 * 1024)}`)).toThrow(
      /at most 1048576 \(1 MB\) are read/,
    );
  });
});

describe("curl commands", () => {
  it("reads a browser's 'copy as cURL': $'...' quoting, --data-raw, line continuations", () => {
    const text = `curl 'https://example.com/sinch/ace?a=1' \\\n  -H 'content-type: application/json' \\\n  -H $'x-note: it\\'s \\u00e9' \\\n  --data-raw $'{"a":"\\u00e9\\n"}' \\\n  --compressed`;
    const r = parseRequest(text);
    expect(r).toMatchObject({ kind: "curl", method: "POST", path: "/sinch/ace", query: "a=1" });
    expect(headerValue(r, "x-note")).toBe("it's é");
    expect(Buffer.from(r.body).toString()).toBe('{"a":"é\n"}');
  });

  it("-X, -d joined with &, --json, and curl's implied form content type (noted)", () => {
    const form = parseRequest('curl -X PUT -d a=1 -d "b=2" http://h/p');
    expect(form).toMatchObject({ method: "PUT", path: "/p" });
    expect(Buffer.from(form.body).toString()).toBe("a=1&b=2");
    expect(headerValue(form, "content-type")).toBe("application/x-www-form-urlencoded");
    expect(form.notes[0]).toContain("curl sends Content-Type: application/x-www-form-urlencoded");
    const json = parseRequest("curl --json '{}' h/p");
    expect(headerValue(json, "content-type")).toBe("application/json");
    expect(parseRequest("$ curl http://h").method).toBe("GET");
  });

  it("refuses bodies it cannot see, and commands it cannot read", () => {
    expect(() => parseRequest("curl -d @body.json http://h/p")).toThrow(/reads its body from a file/);
    expect(() => parseRequest("curl -F a=b http://h/p")).toThrow(/-F is not read/);
    expect(() => parseRequest("curl -H 'unclosed http://h")).toThrow(/unclosed ' quote/);
    expect(() => parseRequest("curl -X POST")).toThrow(/no URL/);
  });

  it("splits words as a POSIX shell does", () => {
    expect(shellWords(`a 'b c' "d \\"e\\"" f\\ g $'h\\ti'`)).toEqual(["a", "b c", 'd "e"', "f g", "h\ti"]);
  });
});

describe("hostile input", () => {
  const CODES = ["valid", "malformed", "key_mismatch", "bad_signature", "expired", "not_yet_valid"];
  const prefix = fc.constantFrom(
    "",
    "POST /x HTTP/1.1\n",
    "curl ",
    "GET / HTTP/1.1\nAuthorization: Application k:",
    "POST /h HTTP/1.1\nx-sinch-webhook-signature: ",
  );
  it("reads anything or refuses it with an InvalidInputError; a read request always gets a verdict", () => {
    fc.assert(
      fc.property(
        prefix,
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
        ),
        (start, rest) => {
          let parsed: ReturnType<typeof parseRequest>;
          try {
            parsed = parseRequest(start + rest);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidInputError);
            expect((error as Error).message).not.toContain("\n");
            return;
          }
          const result = verifyRequest(parsed, { applicationSecret: "c2VjcmV0", webhookSecret: "w", ignoreTime: true });
          expect(CODES).toContain(result.code);
          expect(result.checks[0]?.name).toBe("format");
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("chunked transfer encoding (RFC 9112 7.1)", () => {
  const head = "POST /calling/v1/callouts HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

  it("de-chunks hex sizes, chunk extensions and trailers, and says so", () => {
    const chunked = `5;name=value\r\n{"a":\r\n1A ; x ; y="q"\r\n"bcdefghijklmnopqrstuvwxy"\r\n0\r\nX-Trailer: t\r\n\r\n`;
    const r = parseRequest(head + chunked);
    expect(Buffer.from(r.body).toString()).toBe('{"a":"bcdefghijklmnopqrstuvwxy"');
    expect(r.notes.join("\n")).toMatch(/de-chunked/);
    expect(r.notes.join("\n")).toMatch(/trailer/i);
  });

  it("de-chunks bytes that are not text, a last chunk of many zeros, and lines ending in LF alone", () => {
    const data = Buffer.from([0xff, 0x0d, 0x0a, 0x00, 0x30]);
    const r = parseRequest(
      Buffer.concat([Buffer.from(head), Buffer.from("5\r\n"), data, Buffer.from("\r\n000\r\n\r\n")]),
    );
    expect(Buffer.from(r.body).equals(data)).toBe(true);
    const lf = parseRequest("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\nab\n0\n\n");
    expect(Buffer.from(lf.body).toString()).toBe("ab");
  });

  it("ignores Content-Length when the body is chunked, and takes an end without the last empty line", () => {
    const r = parseRequest(
      `POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nabcd\r\n0\r\n`,
    );
    expect(Buffer.from(r.body).toString()).toBe("abcd");
    expect(r.notes.join("\n")).toMatch(/gzip/);
  });

  it.each([
    ["no size line", "\r\nab\r\n0\r\n\r\n", /chunk size/],
    ["a size that is not hex", "zz\r\nab\r\n0\r\n\r\n", /chunk size/],
    ["fewer bytes than the size says", "10\r\nab\r\n0\r\n\r\n", /declares 16 bytes/],
    ["no line ending after the data", "2\r\nabc\r\n0\r\n\r\n", /line ending after/],
    ["no last chunk", "2\r\nab\r\n", /last chunk/],
    ["text after the end", "2\r\nab\r\n0\r\n\r\nGET / HTTP/1.1\r\n", /after the end/],
    ["an empty body", "", /last chunk/],
  ])("a malformed chunked body is a format error: %s", (_, body, message) => {
    expect(() => parseRequest(head + body)).toThrow(InvalidInputError);
    expect(() => parseRequest(head + body)).toThrow(message);
  });
});
