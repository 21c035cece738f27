/**
 * Each mistake `request verify` names, produced by actually making it: a request signed
 * one way and sent another. And a property: a request signed, then damaged in one known
 * way, is named by exactly that mistake.
 */
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodedPath } from "../../../src/core/request/escape.js";
import {
  applicationSignature,
  contentMd5,
  EMPTY_BODY_MD5,
  parseRequest,
  type RequestMistakeId,
  reserializations,
  type StringToSignParts,
  signApplicationRequest,
  stringToSign,
  verifyRequest,
  webhookSignature,
} from "../../../src/index.js";

const KEY = "669E367E-6BBA-48AB-AF15-266871C28135";
const SECRET = "BeIukql3pTKJ8RGL5zo0DA==";
const TS = "2023-11-22T09:10:11.999Z";

interface Sent {
  method: string;
  target: string;
  contentType: string | null;
  timestamp: string;
  body: string;
  authorization: string;
}

function raw(s: Sent): string {
  const lines = [`${s.method} ${s.target} HTTP/1.1`, "Host: verification.api.sinch.com"];
  if (s.contentType !== null) lines.push(`Content-Type: ${s.contentType}`);
  lines.push(`x-timestamp: ${s.timestamp}`, `Authorization: ${s.authorization}`);
  lines.push(`Content-Length: ${Buffer.byteLength(s.body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${s.body}`;
}

function sign(parts: {
  method?: string;
  resource: string;
  body?: string;
  contentType?: string;
  timestamp?: string;
}): string {
  return signApplicationRequest({
    applicationKey: KEY,
    applicationSecret: SECRET,
    method: parts.method ?? "POST",
    resource: parts.resource,
    body: parts.body ?? "",
    contentType: parts.contentType ?? "application/json",
    timestamp: parts.timestamp ?? TS,
  }).authorization;
}

function diagnose(sent: Sent, withQuery = false) {
  const result = verifyRequest(parseRequest(raw(sent)), {
    applicationKey: KEY,
    applicationSecret: SECRET,
    ignoreTime: true,
    withQuery,
  });
  return result;
}

const ids = (sent: Sent, withQuery = false) => diagnose(sent, withQuery).diagnosis.map((d) => d.mistake);

const BODY = { identity: { type: "number", endpoint: "+46700000000" }, method: "sms", custom: "Zoë" };
const compact = JSON.stringify(BODY);

describe("each mistake, made for real", () => {
  it("body-reserialized: the MD5 of the pretty-printed body signed, the compact body sent", () => {
    const authorization = sign({ resource: "/verification/v1/verifications", body: JSON.stringify(BODY, null, 2) });
    const sent = {
      method: "POST",
      target: "/verification/v1/verifications",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    };
    const result = diagnose(sent);
    expect(result.code).toBe("bad_signature");
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["body-reserialized"]);
    expect(result.diagnosis[0]?.detail).toContain("two-space indentation");
  });

  it("body-reserialized: Python's json.dumps (', ' separators, \\u escapes) signed, the compact UTF-8 body sent", () => {
    const python =
      '{"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms", "custom": "Zo\\u00eb"}';
    const authorization = sign({ resource: "/v", body: python });
    const sent = {
      method: "POST",
      target: "/v",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    };
    const result = diagnose(sent);
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["body-reserialized"]);
    expect(result.diagnosis[0]?.detail).toContain("Python");
    expect(result.diagnosis[0]?.detail).toContain("\\uXXXX");
  });

  it("content-type-differs: signed application/json, the client library sent '; charset=utf-8'", () => {
    const authorization = sign({ resource: "/v", body: compact, contentType: "application/json" });
    const sent = {
      method: "POST",
      target: "/v",
      contentType: "application/json; charset=utf-8",
      timestamp: TS,
      body: compact,
      authorization,
    };
    expect(ids(sent)).toEqual(["content-type-differs"]);
  });

  it("query-in-resource: the path signed with its query (.NET), checked without", () => {
    const authorization = sign({ method: "GET", resource: "/calling/v1/calls/id/1?domain=pstn" });
    const sent = {
      method: "GET",
      target: "/calling/v1/calls/id/1?domain=pstn",
      contentType: "application/json",
      timestamp: TS,
      body: "",
      authorization,
    };
    expect(ids(sent)).toEqual(["query-in-resource"]);
    expect(diagnose(sent, true).code).toBe("valid");
  });

  it("query-dropped: the path signed without its query (Java), checked with --with-query", () => {
    const authorization = sign({ method: "GET", resource: "/calling/v1/calls/id/1" });
    const sent = {
      method: "GET",
      target: "/calling/v1/calls/id/1?domain=pstn",
      contentType: "application/json",
      timestamp: TS,
      body: "",
      authorization,
    };
    expect(ids(sent, true)).toEqual(["query-dropped"]);
    expect(diagnose(sent).code).toBe("valid");
  });

  it("path-prefix: signed without the API's base path, sent with it", () => {
    const authorization = sign({ resource: "/v1/verifications", body: compact });
    const sent = {
      method: "POST",
      target: "/verification/v1/verifications",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    };
    expect(ids(sent)).toEqual(["path-prefix"]);
  });

  it("path-prefix: signed with the base path, sent to a path without it", () => {
    const authorization = sign({ resource: "/verification/v1/verifications", body: compact });
    const sent = {
      method: "POST",
      target: "/v1/verifications",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    };
    expect(ids(sent)).toEqual(["path-prefix"]);
  });

  it("timestamp-differs: signed over toISOString(), sent with seven fraction digits", () => {
    const authorization = sign({ resource: "/v", body: compact, timestamp: "2023-11-22T09:10:11.999Z" });
    const sent = {
      method: "POST",
      target: "/v",
      contentType: "application/json",
      timestamp: "2023-11-22T09:10:11.9990000Z",
      body: compact,
      authorization,
    };
    expect(ids(sent)).toEqual(["timestamp-differs"]);
  });

  it("md5-empty: signed before the body was set, sent with a body", () => {
    const authorization = sign({ resource: "/v", body: "" });
    const sent = {
      method: "POST",
      target: "/v",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    };
    expect(ids(sent)).toEqual(["md5-empty"]);
  });

  it("md5-of-empty-body: the MD5 of an empty body signed for a request without one", () => {
    const text = stringToSign({
      method: "GET",
      contentMd5: EMPTY_BODY_MD5,
      contentType: "application/json",
      timestamp: TS,
      resource: "/v",
    });
    const authorization = `Application ${KEY}:${applicationSignature(Buffer.from(SECRET, "base64"), text)}`;
    const sent = {
      method: "GET",
      target: "/v",
      contentType: "application/json",
      timestamp: TS,
      body: "",
      authorization,
    };
    expect(ids(sent)).toEqual(["md5-of-empty-body"]);
  });

  it("secret-not-decoded: the application secret's text used as the HMAC key", () => {
    const text = stringToSign({
      method: "POST",
      contentMd5: contentMd5(Buffer.from(compact)),
      contentType: "application/json",
      timestamp: TS,
      resource: "/v",
    });
    const authorization = `Application ${KEY}:${applicationSignature(Buffer.from(SECRET, "utf8"), text)}`;
    const sent = {
      method: "POST",
      target: "/v",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    };
    expect(ids(sent)).toEqual(["secret-not-decoded"]);
  });

  it("secret-not-decoded: a webhook secret base64-decoded before use", () => {
    const secret = "c2VjcmV0LXRleHQ=";
    const signature = createHmac("sha256", Buffer.from(secret, "base64"))
      .update(`${compact}.nonce1.1700000000`)
      .digest("base64");
    const text = `POST /hook HTTP/1.1\nx-sinch-webhook-signature: ${signature}\nx-sinch-webhook-signature-nonce: nonce1\nx-sinch-webhook-signature-timestamp: 1700000000\nx-sinch-webhook-signature-algorithm: HmacSHA256\n\n${compact}`;
    const result = verifyRequest(parseRequest(text), { webhookSecret: secret, ignoreTime: true });
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["secret-not-decoded"]);
  });

  it("body-reserialized: a webhook's HMAC taken over the parsed body stringified again", () => {
    const pretty = JSON.stringify(BODY, null, 2);
    const signature = webhookSignature("s3cret", JSON.stringify(JSON.parse(pretty)), "n", "1700000000");
    const text = `POST /hook HTTP/1.1\nx-sinch-webhook-signature: ${signature}\nx-sinch-webhook-signature-nonce: n\nx-sinch-webhook-signature-timestamp: 1700000000\n\n${pretty}`;
    const result = verifyRequest(parseRequest(text), { webhookSecret: "s3cret", ignoreTime: true });
    expect(result.diagnosis.map((d) => d.mistake)).toEqual(["body-reserialized"]);
  });

  it("scheme-case: 'APPLICATION' is accepted, with a note", () => {
    const authorization = sign({ resource: "/v", body: compact }).replace("Application", "APPLICATION");
    const result = diagnose({
      method: "POST",
      target: "/v",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization,
    });
    expect(result.code).toBe("valid");
    expect(result.notes.some((n) => n.startsWith("scheme-case:"))).toBe(true);
  });

  it("lenient-secret: '9876543210' signs as Node and Java read it, with a warning", () => {
    const authorization = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: "9876543210",
      method: "POST",
      resource: "/v",
      body: compact,
      timestamp: TS,
    }).authorization;
    const result = verifyRequest(
      parseRequest(
        raw({
          method: "POST",
          target: "/v",
          contentType: "application/json",
          timestamp: TS,
          body: compact,
          authorization,
        }),
      ),
      { applicationSecret: "9876543210", ignoreTime: true },
    );
    expect(result.code).toBe("valid");
    expect(result.warnings.some((w) => w.startsWith("lenient-secret:"))).toBe(true);
  });

  it("a request signed right has no diagnosis, and one signed with another secret has none either", () => {
    const good = {
      method: "POST",
      target: "/v",
      contentType: "application/json",
      timestamp: TS,
      body: compact,
      authorization: sign({ resource: "/v", body: compact }),
    };
    expect(diagnose(good).code).toBe("valid");
    const other = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: "JViE5vDor0Sw3WllZka15Q==",
      method: "POST",
      resource: "/v",
      body: compact,
      timestamp: TS,
    });
    const result = diagnose({ ...good, authorization: other.authorization });
    expect(result.code).toBe("bad_signature");
    expect(result.diagnosis).toEqual([]);
  });
});

type Damage = RequestMistakeId;

const DAMAGES: Damage[] = [
  "body-reserialized",
  "content-type-differs",
  "query-in-resource",
  "query-dropped",
  "path-prefix",
  "timestamp-differs",
  "md5-empty",
  "md5-of-empty-body",
  "secret-not-decoded",
  "path-encoding",
  "query-order",
  "body-newline",
];

describe("property: one known damage, named by exactly that id", () => {
  const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const request = fc.record({
    method: fc.constantFrom("POST", "PUT", "PATCH"),
    segments: fc.array(segment, { minLength: 2, maxLength: 4 }),
    query: fc.option(fc.stringMatching(/^[a-z]{1,5}=[a-z0-9]{1,5}$/), { nil: null }),
    /** A last path segment with percent-escapes, as a URL carries it. */
    escaped: fc.constantFrom("my%20ref", "%2B46700000000", "Zo%C3%AB", "caf%c3%a9", "a%2Fb"),
    /** Parameters for a query with several, in the order sent. */
    params: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}=[0-9]{1,3}$/), {
      minLength: 3,
      maxLength: 5,
      selector: (p) => p.split("=")[0],
    }),
    value: fc.dictionary(
      fc.stringMatching(/^[a-z]{1,6}$/),
      fc.oneof(fc.string({ unit: "grapheme", maxLength: 8 }), fc.integer(), fc.boolean()),
      { minKeys: 1, maxKeys: 4 },
    ),
    indent: fc.constantFrom(0, 2),
    contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain"),
    time: fc.date({
      min: new Date("2001-01-01T00:00:00Z"),
      max: new Date("2090-01-01T00:00:00Z"),
      noInvalidDate: true,
    }),
    secret: fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => Buffer.from(b).toString("base64")),
    damage: fc.constantFrom(...DAMAGES),
    pick: fc.nat(),
  });

  it("holds for random requests", () => {
    fc.assert(
      fc.property(request, (r) => {
        const path = `/${r.segments.join("/")}/${r.escaped}`;
        const query = r.damage === "query-order" ? r.params.join("&") : r.query;
        const target = query === null ? path : `${path}?${query}`;
        const timestamp = r.time.toISOString();
        let body = JSON.stringify(r.value, null, r.indent || undefined);
        const parts: StringToSignParts = {
          method: r.method,
          contentMd5: contentMd5(Buffer.from(body)),
          contentType: r.contentType,
          timestamp,
          resource: path,
        };
        let key: Uint8Array = Buffer.from(r.secret, "base64");
        let withQuery = false;
        switch (r.damage) {
          case "body-reserialized": {
            const forms = reserializations(Buffer.from(body));
            fc.pre(forms.length > 0);
            parts.contentMd5 = contentMd5((forms[r.pick % forms.length] as { bytes: Uint8Array }).bytes);
            break;
          }
          case "content-type-differs":
            parts.contentType = r.contentType.includes(";") ? "application/json" : `${r.contentType}; charset=utf-8`;
            break;
          case "query-in-resource":
            fc.pre(r.query !== null);
            parts.resource = target;
            break;
          case "query-dropped":
            fc.pre(r.query !== null);
            withQuery = true;
            break;
          case "path-prefix":
            parts.resource = `/${[...r.segments.slice(1), r.escaped].join("/")}`;
            break;
          case "timestamp-differs":
            parts.timestamp = `${timestamp.slice(0, 23)}0000Z`;
            break;
          case "md5-empty":
            parts.contentMd5 = "";
            break;
          case "md5-of-empty-body":
            body = "";
            parts.contentMd5 = EMPTY_BODY_MD5;
            break;
          case "secret-not-decoded":
            key = Buffer.from(r.secret, "utf8");
            break;
          case "path-encoding":
            // Java's getPath() and Node's template sign it decoded; another signer flips the hex case.
            parts.resource =
              r.pick % 2 === 0
                ? (decodedPath(path) as string)
                : path.replace(/%[0-9A-Fa-f]{2}/g, (e) => (e === e.toUpperCase() ? e.toLowerCase() : e.toUpperCase()));
            fc.pre(parts.resource !== path);
            break;
          case "query-order": {
            const sorted = new URLSearchParams(query as string);
            sorted.sort();
            const ascending = sorted.toString();
            const descending = ascending.split("&").reverse().join("&");
            fc.pre(query !== ascending && query !== descending);
            withQuery = true;
            parts.resource = `${path}?${r.pick % 2 === 0 ? ascending : descending}`;
            break;
          }
          case "body-newline":
            // curl -d @file strips the newline the signer hashed; or the sender adds one after signing.
            if (r.pick % 2 === 0) parts.contentMd5 = contentMd5(Buffer.from(`${body}\n`));
            else body = `${body}\n`;
            break;
        }
        const authorization = `Application ${KEY}:${applicationSignature(key, stringToSign(parts))}`;
        const sent = { method: r.method, target, contentType: r.contentType, timestamp, body, authorization };
        const result = verifyRequest(parseRequest(raw(sent)), {
          applicationKey: KEY,
          applicationSecret: r.secret,
          ignoreTime: true,
          withQuery,
        });
        expect(result.code).toBe("bad_signature");
        expect(result.diagnosis.map((d) => d.mistake)).toEqual([r.damage]);
      }),
      { numRuns: 400 },
    );
  });
});

it("the empty body's MD5 it names is MD5 of no bytes, computed here", () => {
  expect(EMPTY_BODY_MD5).toBe(createHash("md5").update(Buffer.alloc(0)).digest("base64"));
});
