/** Every published vector of formats.md §3, as known-answer tests. */
import { describe, expect, it } from "vitest";
import {
  contentMd5,
  numbersSignature,
  parseRequest,
  signApplicationRequest,
  verifyRequest,
  webhookSignature,
} from "../../../src/index.js";

const DOCS_KEY = "669E367E-6BBA-48AB-AF15-266871C28135";
const DOCS_SECRET = "BeIukql3pTKJ8RGL5zo0DA==";

const application = [
  {
    name: "Verification request (Sinch docs, .NET AuthTests.cs)",
    key: DOCS_KEY,
    secret: DOCS_SECRET,
    method: "POST",
    resource: "/verification/v1/verifications",
    contentType: "application/json",
    timestamp: "2014-06-04T13:41:58Z",
    body: '{"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms"}',
    signature: "h6rXrFayOoggyHW4ymnLlfSDkZZPg6j98lHzvOXVjvw=",
  },
  {
    name: "the same with no body",
    key: DOCS_KEY,
    secret: DOCS_SECRET,
    method: "POST",
    resource: "/verification/v1/verifications",
    contentType: "application/json",
    timestamp: "2014-06-04T13:41:58Z",
    body: "",
    signature: "srx3SkKXw/ryFJLfwFFzZTigPxR/1+9Ae+eB3olDIjM=",
  },
  {
    name: "ACE callback (Sinch docs)",
    key: DOCS_KEY,
    secret: DOCS_SECRET,
    method: "POST",
    resource: "/sinch/callback/ace",
    contentType: "application/json",
    timestamp: "2014-09-24T10:59:41Z",
    body: '{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}',
    md5: "REWF+X220L4/Gw1spXOU7g==",
    signature: "Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=",
  },
  {
    name: "Java and Node SDK tests, POST",
    key: "my-key-id",
    secret: "bXkta2V5LXNlY3JldA==",
    method: "POST",
    resource: "/path/pathParamValue",
    contentType: "application/json; charset=UTF-8",
    timestamp: "2023-11-22T09:10:11.999Z",
    body: '{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}',
    signature: "QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8=",
  },
  {
    name: "Java and Node SDK tests, GET without body",
    key: "my-key-id",
    secret: "bXkta2V5LXNlY3JldA==",
    method: "GET",
    resource: "/path/pathParamValue",
    contentType: "application/json",
    timestamp: "2023-11-22T09:10:11.999Z",
    body: "",
    signature: "nsrLDvP6KVD/dAxb3IfAncdwjPFJVWSrseEFOcZge+A=",
  },
  {
    name: "Java SDK test, lenient secret 9876543210",
    key: "789",
    secret: "9876543210",
    method: "POST",
    resource: "/VerificationRequestEvent",
    contentType: "application/json; charset=utf-8",
    timestamp: "2023-12-01T15:01:20.0406449Z",
    body: '{"id":"018c25e1-7163-5677-b8fb-467d7b1cffa5","event":"VerificationResultEvent","method":"sms","identity":{"verified":false,"type":"number","endpoint":"+33628254417"},"status":"FAIL","reason":"Expired"}',
    signature: "xfKhO0XvlRNJraahUBEJzzi1f3Fn3pYO41/ZzwOHPaQ=",
    lowerCase: true,
  },
];

describe("application-signed requests: published vectors", () => {
  for (const v of application) {
    it(`${v.name}: signs to the published signature`, () => {
      const signed = signApplicationRequest({
        applicationKey: v.key,
        applicationSecret: v.secret,
        method: v.method,
        resource: v.resource,
        body: v.body,
        contentType: v.contentType,
        timestamp: v.timestamp,
      });
      expect(signed.authorization).toBe(`Application ${v.key}:${v.signature}`);
      if (v.md5) expect(contentMd5(Buffer.from(v.body))).toBe(v.md5);
      expect(signed.lenientSecret).toBe(v.secret === "9876543210");
    });

    it(`${v.name}: verifies as a pasted raw request, and fails with one byte changed`, () => {
      const scheme = v.lowerCase ? "application" : "Application";
      const raw = (body: string) =>
        `${v.method} ${v.resource} HTTP/1.1\r\nHost: example.com\r\nContent-Type: ${v.contentType}\r\nx-timestamp: ${v.timestamp}\r\nAuthorization: ${scheme} ${v.key}:${v.signature}\r\n\r\n${body}`;
      const options = { applicationKey: v.key, applicationSecret: v.secret, ignoreTime: true };
      const ok = verifyRequest(parseRequest(raw(v.body)), options);
      expect(ok.code).toBe("valid");
      expect(ok.scheme).toBe("application");
      expect(ok.warnings.some((w) => w.startsWith("lenient-secret"))).toBe(v.secret === "9876543210");
      const bad = verifyRequest(parseRequest(raw(v.body === "" ? "x" : v.body.replace("e", "E"))), options);
      expect(bad.code).toBe("bad_signature");
    });
  }
});

describe("Conversation, SMS and Numbers webhooks: published vectors", () => {
  const conversation = {
    secret: "foo_secret1234",
    nonce: "01FJA8B4A7BM43YGWSG9GBV067",
    timestamp: "1634579353",
    body: '{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}',
    signature: "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=",
  };
  const sms = {
    secret: "SMSWebhooksSecret",
    nonce: "01JHFFHWYY7HSS4FWTMDTQEK8V",
    timestamp: "1736760161",
    body: '{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}',
    signature: "ZoHei66PPN/kZjw7hFVfGhJOnml3iGNCMWoyQVcE5o0=",
  };
  for (const [name, v] of [
    ["Conversation", conversation],
    ["SMS", sms],
  ] as const) {
    it(`${name}: signs to the published signature and verifies when pasted`, () => {
      expect(webhookSignature(v.secret, v.body, v.nonce, v.timestamp)).toBe(v.signature);
      const raw = `POST /webhook HTTP/1.1\nContent-Type: application/json\nx-sinch-webhook-signature-nonce: ${v.nonce}\nx-sinch-webhook-signature-timestamp: ${v.timestamp}\nx-sinch-webhook-signature-algorithm: HmacSHA256\nx-sinch-webhook-signature: ${v.signature}\n\n${v.body}`;
      const ok = verifyRequest(parseRequest(raw), {
        webhookSecret: v.secret,
        now: new Date(Number(v.timestamp) * 1000),
      });
      expect(ok.code).toBe("valid");
      expect(ok.scheme).toBe("webhook");
      const bad = verifyRequest(parseRequest(raw.replace('"', "'")), { webhookSecret: v.secret, ignoreTime: true });
      expect(bad.code).toBe("bad_signature");
    });
  }

  it("Numbers: hex HMAC-SHA1 of the body", () => {
    const body =
      '{"eventId":"01hpa0mww4m79q8j2dwn3ggbgz","timestamp":"2024-02-10T17:22:09.412722588","projectId":"37b62a7b-0177-abcd-efgh-e10f848de123","resourceId":"+17818510001","resourceType":"ACTIVE_NUMBER","eventType":"DEPROVISIONING_FROM_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}';
    const signature = "b93021e0182c2772dbcdf4e8983ae8f409e78c3b";
    expect(numbersSignature("my-callback-secret", body)).toBe(signature);
    const raw = `POST /numbers HTTP/1.1\nContent-Type: application/json\nX-Sinch-Signature: ${signature}\n\n${body}`;
    const ok = verifyRequest(parseRequest(raw), { webhookSecret: "my-callback-secret" });
    expect(ok.code).toBe("valid");
    expect(ok.scheme).toBe("numbers");
    expect(verifyRequest(parseRequest(raw), { webhookSecret: "another-secret" }).code).toBe("bad_signature");
  });
});
