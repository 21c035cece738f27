/**
 * Known-answer vectors from the unit tests of Sinch's official SDKs (Node, Java, .NET,
 * Python), in test/fixtures/sdk-vectors.json: each request is rebuilt as the SDK's test
 * sends it, as raw HTTP, and judged by the library (`parseRequest`, `verifyRequest`) and by
 * `request verify --json`. The SDK's outcome (valid or refused) must be ours; where it is
 * not, the vector's note says why. A vector marked `pending` documents a verdict the tool
 * does not give yet, and runs as an expected failure until it does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  applicationKeyBytes,
  applicationSignature,
  contentMd5,
  isStandardBase64,
  parseRequest,
  signApplicationRequest,
  stringToSign,
  verifyRequest,
} from "../../src/index.js";
import { runCli } from "../helpers/io.js";

interface Vector {
  id: string;
  source: { repo: string; path: string; commit: string; test: string };
  credentials: { applicationKey?: string; applicationSecret?: string; webhookSecret?: string };
  now: string;
  request: { method: string; path: string; headers: [string, string][]; body: string };
  sdk: "valid" | "refused";
  ours: { code: string; scheme: string | null };
  recomputes?: false;
  note?: string;
  pending?: string;
  sameAs?: string;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/sdk-vectors.json", import.meta.url), "utf8")) as {
  vectors: Vector[];
};
const vectors = fixture.vectors;

/** cli.md: exit codes of request verify, as for tickets. */
const EXIT: Record<string, number> = {
  valid: 0,
  bad_signature: 3,
  expired: 4,
  not_yet_valid: 5,
  malformed: 6,
  key_mismatch: 7,
};

/** The request as the SDK's test hands it to its validator, written as raw HTTP. */
function raw(request: Vector["request"]): string {
  const headers = request.headers.map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `${request.method} ${request.path} HTTP/1.1\r\n${headers}\r\n${request.body}`;
}

function env(credentials: Vector["credentials"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (credentials.applicationKey !== undefined) out.SINCH_APPLICATION_KEY = credentials.applicationKey;
  if (credentials.applicationSecret !== undefined) out.SINCH_APPLICATION_SECRET = credentials.applicationSecret;
  if (credentials.webhookSecret !== undefined) out.SINCH_WEBHOOK_SECRET = credentials.webhookSecret;
  return out;
}

describe("the fixture", () => {
  it("holds vectors from each of the four SDKs, each with its repository, file and commit", () => {
    const repos = new Map<string, number>();
    for (const v of vectors) repos.set(v.source.repo, (repos.get(v.source.repo) ?? 0) + 1);
    for (const repo of [
      "sinch/sinch-sdk-node",
      "sinch/sinch-sdk-java",
      "sinch/sinch-sdk-dotnet",
      "sinch/sinch-sdk-python",
    ]) {
      expect(repos.get(repo) ?? 0, repo).toBeGreaterThanOrEqual(3);
    }
    expect(vectors.length).toBeGreaterThanOrEqual(70);
    expect(new Set(vectors.map((v) => v.id)).size).toBe(vectors.length);
    for (const v of vectors) {
      expect(v.source.commit, v.id).toMatch(/^[0-9a-f]{40}$/);
      expect(v.source.path, v.id).toMatch(/\.(ts|java|cs|py)$/);
      expect(v.source.test.length, v.id).toBeGreaterThan(0);
    }
  });

  it("explains every verdict that is not the SDK's, and every vector that does not re-compute", () => {
    for (const v of vectors) {
      const agrees = (v.ours.code === "valid") === (v.sdk === "valid");
      if (!agrees || v.recomputes === false) expect(v.note, v.id).toBeTruthy();
    }
  });

  it("names only vectors it holds in sameAs, with the same request", () => {
    for (const v of vectors.filter((x) => x.sameAs !== undefined)) {
      const twin = vectors.find((x) => x.id === v.sameAs);
      expect(twin, v.id).toBeDefined();
      expect(raw(v.request)).toBe(raw(twin!.request));
    }
  });
});

describe("Sinch SDK test vectors: the library's verdict", () => {
  for (const v of vectors) {
    const test = v.pending === undefined ? it : it.fails;
    // A pending vector's verdict is the one cli.md asks for; it fails until the tool gives it.
    test(`${v.id}: the SDK's test says ${v.sdk}; request verify says ${v.ours.code}`, () => {
      const result = verifyRequest(parseRequest(raw(v.request)), { ...v.credentials, now: new Date(v.now) });
      expect(result.code).toBe(v.ours.code);
      expect(result.scheme).toBe(v.ours.scheme);
      expect(result.valid).toBe(v.ours.code === "valid");
      const secret = v.credentials.applicationSecret;
      if (v.ours.scheme === "application" && secret !== undefined) {
        expect(result.warnings.some((w) => w.startsWith("lenient-secret"))).toBe(!isStandardBase64(secret));
      }
    });
  }
});

describe("Sinch SDK test vectors: request verify --json", () => {
  for (const v of vectors) {
    const test = v.pending === undefined ? it : it.fails;
    test(`${v.id}: exit ${EXIT[v.ours.code]} (${v.ours.code})`, async () => {
      const r = await runCli(["request", "verify", "--json", raw(v.request)], {
        env: env(v.credentials),
        now: new Date(v.now),
      });
      expect(r.code).toBe(EXIT[v.ours.code]);
      const out = JSON.parse(r.stdout);
      expect(out.code).toBe(v.ours.code);
      expect(out.scheme).toBe(v.ours.scheme);
      expect(out.valid).toBe(v.ours.code === "valid");
      // The secrets are never printed, whatever the request holds.
      for (const secret of [v.credentials.applicationSecret, v.credentials.webhookSecret]) {
        if (secret !== undefined) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
      }
    });
  }
});

describe("a webhook checked with no secret", () => {
  // Each SDK's test refuses a correctly signed webhook when no secret is configured:
  // sinch/sinch-sdk-node packages/sms/tests/rest/v1/callbacks/callbacks-webhook.test.ts
  //   (affb35e5164993b316915bd780165d704e44689b) "should reject a signature id the secret is not set";
  // sinch/sinch-sdk-java client/src/test/java/com/sinch/sdk/auth/HmacAuthenticationValidationTest.java
  //   (d747cc303ef2f06b0f221f01017ebddad346df9f) checkValidateAuthenticatedNoSecret;
  // sinch/sinch-sdk-dotnet tests/Sinch.Tests/Conversation/SinchEvents/HmacAuthenticationValidationTests.cs
  //   (be4181ec8ca5db8278e71a571cc07b1a73a4cf8a) ValidateAuthenticationHeader_EmptySecret_ReturnsFalse;
  // sinch/sinch-sdk-python tests/unit/domains/authentication/test_authentication_validation.py
  //   (18a590c340973f523485b8ebed3713a568c67f67) test_None_secret_expects_no_validation.
  // Here it is a configuration error: exit 2 naming the webhook secret, never a verdict.
  for (const id of ["node/sms-valid", "java/conversation-valid", "dotnet/conversation-valid", "python/numbers-valid"]) {
    it(`${id} without the webhook secret: an error naming it, exit 2`, async () => {
      const v = vectors.find((x) => x.id === id)!;
      expect(() => verifyRequest(parseRequest(raw(v.request)), { now: new Date(v.now) })).toThrow(/webhook secret/);
      expect(() => verifyRequest(parseRequest(raw(v.request)), { webhookSecret: "", now: new Date(v.now) })).toThrow(
        /webhook secret/,
      );
      const r = await runCli(["request", "verify", "--json", raw(v.request)], { now: new Date(v.now) });
      expect(r.code).toBe(2);
      const out = JSON.parse(r.stdout);
      expect(out.exitCode).toBe(2);
      expect(out.error).toMatch(/webhook secret/i);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe("what the published values sign", () => {
  const byId = (id: string) => vectors.find((v) => v.id === id)!;

  it("Node's validator test signs the x-timestamp header's value with its prefix twice", () => {
    // The test sets the header to 'x-timestamp:2024-…', and the validator writes
    // 'x-timestamp:' + value: the published signature covers the prefix twice.
    const v = byId("node/validate-application-doubled-timestamp");
    const key = applicationKeyBytes(v.credentials.applicationSecret!).bytes;
    const sent = v.request.headers.find(([n]) => n === "x-timestamp")![1];
    const published = v.request.headers.find(([n]) => n === "Authorization")![1].split(":")[1];
    const parts = {
      method: "POST",
      contentMd5: contentMd5(Buffer.from(v.request.body)),
      contentType: "application/json; charset=utf-8",
      resource: "/webhook",
    };
    expect(sent).toBe("x-timestamp:2024-01-19T09:19:28.9372196Z");
    expect(applicationSignature(key, stringToSign({ ...parts, timestamp: sent }))).toBe(published);
    expect(applicationSignature(key, stringToSign({ ...parts, timestamp: "2024-01-19T09:19:28.9372196Z" }))).not.toBe(
      published,
    );
    // Signed with the timestamp as Sinch sends it, the same request is the generator test's
    // vector, and valid.
    const signed = signApplicationRequest({
      applicationKey: "app-key",
      applicationSecret: "app-secret",
      method: "POST",
      resource: "/webhook",
      body: v.request.body,
      contentType: "application/json; charset=utf-8",
      timestamp: "2024-01-19T09:19:28.9372196Z",
    });
    expect(signed.authorization).toBe(
      byId("node/generate-authorization-header").request.headers.find(([n]) => n === "Authorization")![1],
    );
  });

  it("a webhook without the algorithm header, which Java refuses, is valid here", () => {
    const v = byId("java/conversation-no-algorithm");
    const result = verifyRequest(parseRequest(raw(v.request)), { ...v.credentials, now: new Date(v.now) });
    expect(result.code).toBe("valid");
  });

  // cli.md (request verify): a webhook without x-sinch-webhook-signature-algorithm gets a
  // note that Sinch's Java SDK refuses it, and the format check never describes a header
  // that is absent.
  it("a webhook without the algorithm header has a note that Java refuses it, and no check names the header", () => {
    const v = byId("java/conversation-no-algorithm");
    const result = verifyRequest(parseRequest(raw(v.request)), { ...v.credentials, now: new Date(v.now) });
    expect(result.notes.some((n) => /Java/.test(n) && /algorithm/.test(n))).toBe(true);
    expect(result.checks.find((c) => c.name === "format")?.detail).not.toMatch(/algorithm/);
  });

  it("Node's component vectors: Content-MD5 of JSON.stringify, and the HMAC of a given string", () => {
    // sinch/sinch-sdk-node packages/sdk-client/tests/utils/authorization.helper.test.ts
    // (affb35e5164993b316915bd780165d704e44689b): calculateMD5 and calculateSignature.
    const body = JSON.stringify({ identity: { type: "number", endpoint: "+33444555666" }, method: "sms" });
    expect(contentMd5(Buffer.from(body))).toBe("RkD29EocJh6t7zr5QfKM4g==");
    const key = applicationKeyBytes(Buffer.from("my-secret").toString("base64")).bytes;
    expect(applicationSignature(key, "pKXhl9sOsUjClws1oANArA==")).toBe("1vZeB9AYiJthOvaZeZFhOxZWLSqHHFWzFw7AGjrTtmk=");
  });

  it("a published valid vector fails with one byte of its body changed", () => {
    // The table above is only worth something if a changed request is refused. (Basic
    // sends the secret itself and signs nothing, so it is left out.)
    const signed = vectors.filter((x) => x.ours.code === "valid" && x.ours.scheme !== "basic" && x.request.body !== "");
    expect(signed.length).toBeGreaterThanOrEqual(20);
    for (const v of signed) {
      const changed = { ...v.request, body: v.request.body.replace(/"/, "'") };
      const result = verifyRequest(parseRequest(raw(changed)), { ...v.credentials, now: new Date(v.now) });
      expect(result.code, v.id).toBe("bad_signature");
    }
  });
});
