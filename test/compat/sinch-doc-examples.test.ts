/**
 * Two examples in Sinch's documentation do not re-compute (formats.md §3): their published
 * signature is not the one their inputs give. docs/sinch-examples.md prints the values that
 * do compute; these tests hold that page to the library and to `request verify`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contentMd5, parseRequest, signApplicationRequest, verifyRequest } from "../../src/index.js";
import { runCli } from "../helpers/io.js";

interface Example {
  name: string;
  key: string;
  secret: string;
  resource: string;
  timestamp: string;
  body: string;
  published: { md5: string; signature: string };
  computed: { md5: string; signature: string };
}

/** developers.sinch.com/docs/voice/api-reference/authentication/signed-request */
const voice: Example = {
  name: "Voice, signed request",
  // The header line with this key is on the Number Lookup copy of the page; the key is not
  // signed, so any key gives the same signature.
  key: "5F5C418A0F914BBC8234A9BF5EDDAD97",
  secret: "JViE5vDor0Sw3WllZka15Q==",
  resource: "/calling/v1/callouts",
  timestamp: "2014-06-04T13:41:58Z",
  body: '{"message":"Hello world"}',
  published: { md5: "jANzQ+rgAHyf1MWQFSwvYw==", signature: "qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM=" },
  computed: { md5: "jANzQ+rgAHyf1MWQFSwvYw==", signature: "aS9fG2smJx6MIhPJDSNiaDQ1D3+e493HuL+VVA9pqyM=" },
};

/** developers.sinch.com/docs/verification/api-reference/authentication/callback-signed-request */
const verificationCallback: Example = {
  name: "Verification, callback signed request",
  key: "669E367E-6BBA-48AB-AF15-266871C28135",
  secret: "BeIukql3pTKJ8RGL5zo0DA==",
  resource: "/sinch/callback/result",
  timestamp: "2014-09-24T10:59:41Z",
  // The page prints the body indented over several lines; this is it compact, as Sinch sends
  // JSON. The MD5 covers the exact bytes, so any other spacing gives other values.
  body: '{"id":"1234567890","event":"VerificationResultEvent","method":"sms","identity":{"type":"number","endpoint":"+11235551234"},"status":"PENDING","reason":"“Fraud”","reference":"12345","source":"intercept","custom":"string"}',
  published: { md5: "REWF+X220L4/Gw1spXOU7g==", signature: "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=" },
  computed: { md5: "pn3JnIn0d3V5+cBU9FVBMg==", signature: "t0c/7JmeTZyzb0U7lD3raJbWaIzH6dGcPT6XDpH6f9o=" },
};

const ACE_BODY =
  '{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}';

function sign(e: Example, resource = e.resource, body = e.body) {
  return signApplicationRequest({
    applicationKey: e.key,
    applicationSecret: e.secret,
    method: "POST",
    resource,
    body,
    contentType: "application/json",
    timestamp: e.timestamp,
  });
}

function raw(e: Example, signature: string, resource = e.resource, body = e.body): string {
  return `POST ${resource} HTTP/1.1\r\nHost: callbacks.yourdomain.com\r\nContent-Type: application/json\r\nx-timestamp: ${e.timestamp}\r\nAuthorization: Application ${e.key}:${signature}\r\n\r\n${body}`;
}

function verify(e: Example, text: string) {
  return verifyRequest(parseRequest(text), {
    applicationKey: e.key,
    applicationSecret: e.secret,
    now: new Date(e.timestamp),
  });
}

const cliEnv = (e: Example) => ({ SINCH_APPLICATION_KEY: e.key, SINCH_APPLICATION_SECRET: e.secret });

describe("Sinch documentation examples that do not re-compute", () => {
  for (const e of [voice, verificationCallback]) {
    it(`${e.name}: the computed values are what the published inputs sign to`, () => {
      expect(contentMd5(Buffer.from(e.body))).toBe(e.computed.md5);
      const signed = sign(e);
      expect(signed.contentMd5).toBe(e.computed.md5);
      expect(signed.authorization).toBe(`Application ${e.key}:${e.computed.signature}`);
      expect(e.computed.signature).not.toBe(e.published.signature);
    });

    it(`${e.name}: the published signature is refused, the computed one accepted`, async () => {
      const refused = verify(e, raw(e, e.published.signature));
      expect(refused.code).toBe("bad_signature");
      // No mistake the verifier knows explains it: the page is wrong, not the signer.
      expect(refused.diagnosis).toEqual([]);
      expect(verify(e, raw(e, e.computed.signature)).code).toBe("valid");

      const now = new Date(e.timestamp);
      const published = await runCli(["request", "verify", "--json", raw(e, e.published.signature)], {
        env: cliEnv(e),
        now,
      });
      expect(published.code).toBe(3);
      expect(JSON.parse(published.stdout).diagnosis).toEqual([]);
      const computed = await runCli(["request", "verify", "--json", raw(e, e.computed.signature)], {
        env: cliEnv(e),
        now,
      });
      expect(computed.code).toBe(0);
      expect(JSON.parse(computed.stdout).code).toBe("valid");
    });
  }

  it("the command docs/sinch-examples.md shows: --ignore-time, --key and --secret-file, the request on stdin", async () => {
    const e = verificationCallback;
    const dir = mkdtempSync(join(tmpdir(), "sinch-examples-"));
    try {
      const secretFile = join(dir, "secret.txt");
      writeFileSync(secretFile, `${e.secret}\n`);
      const args = ["request", "verify", "--ignore-time", "--key", e.key, "--secret-file", secretFile];
      const computed = await runCli(args, { stdin: raw(e, e.computed.signature) });
      expect(computed.code).toBe(0);
      const published = await runCli(args, { stdin: raw(e, e.published.signature) });
      expect(published.code).toBe(3);
      expect(`${computed.stdout}${computed.stderr}${published.stdout}${published.stderr}`).not.toContain(e.secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Voice: the published signature is the older SMS example's, signed over /v1/sms/+46700000000", () => {
    expect(sign(voice, "/v1/sms/+46700000000").authorization).toBe(
      `Application ${voice.key}:${voice.published.signature}`,
    );
    expect(verify(voice, raw(voice, voice.published.signature, "/v1/sms/+46700000000")).code).toBe("valid");
  });

  it("Verification callback: the published MD5 and signature are the Voice ACE example's", () => {
    const ace = sign(verificationCallback, "/sinch/callback/ace", ACE_BODY);
    expect(ace.contentMd5).toBe(verificationCallback.published.md5);
    expect(ace.authorization).toBe(
      `Application ${verificationCallback.key}:${verificationCallback.published.signature}`,
    );
  });
});
