/**
 * Sinch's own Node SDK (npm @sinch/sdk-client 1.5.0) as the independent check of signed
 * requests and callbacks: `request sign` equals its generateAuthorizationHeader for random
 * requests, `request verify` accepts what `request sign` makes, and its
 * validateAuthenticationHeader, validateWebhookSignature and validateSignatureHeader accept
 * every callback `callback send` sends, received by a real HTTP server on loopback.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  generateAuthorizationHeader,
  validateAuthenticationHeader,
  validateSignatureHeader,
  validateWebhookSignature,
} from "@sinch/sdk-client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLBACK_EVENTS } from "../../src/index.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { runCli } from "../helpers/io.js";

const WEBHOOK_SECRET = "my webhook secret ☺";
const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_WEBHOOK_SECRET: WEBHOOK_SECRET };

const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE");
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join("/")}`);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=UTF-8",
  "text/plain",
  "application/x-www-form-urlencoded",
);
const body = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.json({ maxDepth: 2 }),
);
const timestamp = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString(),
      `${d.toISOString().slice(0, 19)}.${String(d.getTime() % 1000).padStart(3, "0")}0000Z`,
      `${d.toISOString().slice(0, 19)}+00:00`,
    ),
  );

describe("request sign and verify against @sinch/sdk-client 1.5.0", () => {
  it("signs every random request as generateAuthorizationHeader does, and verifies what it signs", async () => {
    await fc.assert(
      fc.asyncProperty(method, path, contentType, body, timestamp, async (verb, resource, type, text, ts) => {
        const args = [
          "request",
          "sign",
          verb,
          `https://calling.api.sinch.com${resource}`,
          "--content-type",
          type,
          "--timestamp",
          ts,
        ];
        const signed = await runCli(text === "" ? [...args, "--json"] : [...args, "--body-file", "-", "--json"], {
          env,
          stdin: text,
        });
        expect(signed.stderr).toBe("");
        expect(signed.code).toBe(0);
        const out = JSON.parse(signed.stdout);
        const sdk = generateAuthorizationHeader(
          verb,
          text === "" ? undefined : text,
          type,
          `x-timestamp:${ts}`,
          resource,
          KEY,
          SECRET,
        );
        expect(out.authorization).toBe(sdk);
        expect(out.timestamp).toBe(ts);

        const headers = { "content-type": type, "x-timestamp": ts, authorization: out.authorization };
        expect(validateAuthenticationHeader(KEY, SECRET, headers, text, resource, verb)).toBe(true);
        const raw = `${verb} ${resource} HTTP/1.1\r\nHost: calling.api.sinch.com\r\nContent-Type: ${type}\r\nx-timestamp: ${ts}\r\nAuthorization: ${out.authorization}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
        const verified = await runCli(["request", "verify", "--ignore-time", "--json", "-"], { env, stdin: raw });
        expect(JSON.parse(verified.stdout).code).toBe("valid");
        expect(verified.code).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

/** A backend that checks each callback with Sinch's SDK: 200 when it accepts, 401 when not. */
let server: Server;
let base: string;
const seen: { path: string; accepted: boolean }[] = [];

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const text = await read(request);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const scheme = url.searchParams.get("scheme");
    const accepted =
      scheme === "application"
        ? validateAuthenticationHeader(KEY, SECRET, request.headers, text, url.pathname, request.method ?? "")
        : scheme === "webhook"
          ? validateWebhookSignature(WEBHOOK_SECRET, request.headers, text)
          : validateSignatureHeader(WEBHOOK_SECRET, request.headers, text);
    seen.push({ path: url.pathname, accepted });
    response.writeHead(accepted ? 200 : 401, { "content-type": "application/json" });
    response.end(JSON.stringify({ accepted }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("callback send, received by a backend that validates with @sinch/sdk-client", () => {
  for (const [event, scheme] of Object.entries(CALLBACK_EVENTS)) {
    it(`${event}: the SDK's ${scheme === "application" ? "validateAuthenticationHeader" : scheme === "webhook" ? "validateWebhookSignature" : "validateSignatureHeader"} accepts it`, async () => {
      const r = await runCli(["callback", "send", event, "--url", `${base}/sinch/${event}?scheme=${scheme}`], { env });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe('HTTP/1.1 200 OK\n{"accepted":true}\n');
      expect(r.code).toBe(0);
      expect(seen.at(-1)).toEqual({ path: `/sinch/${event}`, accepted: true });
    });

    it(`${event}: signed with another secret, the SDK refuses it and the exit code is 9`, async () => {
      const other = { ...env, SINCH_APPLICATION_SECRET: "JViE5vDor0Sw3WllZka15Q==", SINCH_WEBHOOK_SECRET: "another" };
      const r = await runCli(["callback", "send", event, "--url", `${base}/sinch/${event}?scheme=${scheme}`], {
        env: other,
      });
      expect(r.stdout).toContain("HTTP/1.1 401 Unauthorized");
      expect(r.stderr).toContain("answered 401");
      expect(r.code).toBe(9);
    });
  }

  it("exits 9 with a one-line message when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runCli(["callback", "send", "ace", "--url", `http://127.0.0.1:${port}/x`], { env });
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/^error: could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/);
  });
});
