/** Reading pasted requests: raw HTTP as logged or copied, and curl commands as browsers and people write them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  headerValue,
  InvalidInputError,
  MAX_REQUEST_BYTES,
  parseRequest,
  shellWords,
  verifyRequest,
} from "../../../src/index.js";

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
    expect(() => parseRequest("curl --data-urlencode n@body.txt http://h/p")).toThrow(/reads its body from a file/);
    for (const form of ["-F a=b", "--form a=b", "-Fa=b", "--form-string a=b"]) {
      expect(() => parseRequest(`curl ${form} http://h/p`)).toThrow(
        /multipart body whose boundary curl chooses when it runs.*cannot be known from the command: paste the raw request/,
      );
    }
    expect(() => parseRequest("curl -H 'unclosed http://h")).toThrow(/unclosed ' quote/);
    expect(() => parseRequest("curl -X POST")).toThrow(/no URL/);
  });

  it("refuses a file from the reader larger than MAX_REQUEST_BYTES, naming it", () => {
    const reader = (size: number) => () => new Uint8Array(size);
    for (const data of ["-d @f.bin", "--data-binary @f.bin", "--data-urlencode n@f.bin"]) {
      const command = `curl ${data} https://x.example/y`;
      expect(() => parseRequest(command, { readFile: reader(MAX_REQUEST_BYTES + 1) }), data).toThrow(
        new InvalidInputError(
          "invalid_option",
          `f.bin, the file the curl command sends, is larger than 1 MB: at most ${MAX_REQUEST_BYTES} bytes are read`,
        ),
      );
      expect(parseRequest(command, { readFile: reader(MAX_REQUEST_BYTES) }).body.length, data).toBeGreaterThan(0);
    }
  });

  it("--data-urlencode in each of curl's forms, joined with & to the other data", () => {
    const body = (command: string, readFile?: (path: string) => Uint8Array) =>
      Buffer.from(parseRequest(command, readFile ? { readFile } : {}).body).toString("latin1");
    // content: all of it encoded (UTF-8 bytes), a space as +, only A-Z a-z 0-9 - . _ ~ kept.
    expect(body("curl h/p --data-urlencode 'héllo wörld*!()'\\''+%'")).toBe(
      "h%C3%A9llo+w%C3%B6rld%2A%21%28%29%27%2B%25",
    );
    // =content: the = is no part of the data; name=content: the name as it is.
    expect(body("curl h/p --data-urlencode '=a b=c' --data-urlencode 'n a=a b@c' -d raw=1")).toBe(
      "a+b%3Dc&n a=a+b%40c&raw=1",
    );
    // The first = decides, even after an @; empty pieces stay.
    expect(body("curl h/p --data-urlencode 'a@b=c' --data-urlencode x= --data-urlencode = --data-urlencode ''")).toBe(
      "a@b=c&x=&&",
    );
    // @file and name@file: the file's bytes (newlines too), encoded; read by the caller.
    const files: Record<string, Buffer> = { "f.txt": Buffer.from("line1\nh\u00e9 &=+\n") };
    const read = (path: string) => {
      const file = files[path];
      if (!file) throw new Error(`no ${path}`);
      return file;
    };
    expect(body("curl h/p --data-urlencode @f.txt --data-urlencode name@f.txt", read)).toBe(
      "line1%0Ah%C3%A9+%26%3D%2B%0A&name=line1%0Ah%C3%A9+%26%3D%2B%0A",
    );
    expect(body("curl h/p --data-urlencode=name@f.txt", read)).toBe("name=line1%0Ah%C3%A9+%26%3D%2B%0A");
    expect(() => body("curl h/p --data-urlencode @-", read)).toThrow(/standard input/);
  });

  it("--json: its headers, and its data joined with no & to what comes before", () => {
    const r = parseRequest(`curl h/p -d a=1 --json '{"b":2}' -d c=3`);
    expect(Buffer.from(r.body).toString()).toBe('a=1{"b":2}&c=3');
    expect(headerValue(r, "content-type")).toBe("application/json");
    expect(headerValue(r, "accept")).toBe("application/json");
    const own = parseRequest(`curl h/p --json '{}' -H 'Content-Type: text/x'`);
    expect(own.headers.filter(([n]) => n.toLowerCase() === "content-type")).toEqual([["Content-Type", "text/x"]]);
  });

  it("-G/--get: the data goes into the query, after the URL's own; no body", () => {
    const r = parseRequest("curl -G 'http://h/p?q=1#frag' -d a=1 --data-urlencode 'b=x y'");
    expect(r).toMatchObject({ method: "GET", path: "/p", query: "q=1&a=1&b=x+y" });
    expect(r.body.length).toBe(0);
    expect(headerValue(r, "content-type")).toBeUndefined();
    expect(parseRequest("curl --get -X POST http://h/p -d a=1")).toMatchObject({ method: "POST", query: "a=1" });
    expect(parseRequest("curl -G -I http://h/p -d a=1")).toMatchObject({ method: "HEAD", query: "a=1" });
    expect(parseRequest("curl -G http://h/p")).toMatchObject({ method: "GET", query: null });
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
