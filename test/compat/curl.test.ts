/**
 * Pasted curl commands against real curl: each command is run by curl against a raw TCP
 * server on loopback that keeps the bytes curl sends, and read by `parseRequest`; the body
 * (and, with -G, the query) must be the same bytes. Then a request signed over those bytes
 * verifies when the command is pasted.
 */
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRequest, shellWords, signApplicationRequest, verifyRequest } from "../../src/index.js";
import { KEY, NOW, SECRET } from "../helpers/constants.js";
import { runCli } from "../helpers/io.js";

let server: Server;
let base: string;
let last: Promise<Buffer>;
let deliver: (bytes: Buffer) => void;
const dir = mkdtempSync(join(tmpdir(), "st-curl-"));

function expectRequest(): void {
  last = new Promise((resolve) => {
    deliver = resolve;
  });
}

beforeAll(async () => {
  server = createServer((socket) => {
    let bytes = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => {
      bytes = Buffer.concat([bytes, d]);
      const end = bytes.indexOf("\r\n\r\n");
      if (end === -1) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, end).toString("latin1"));
      if (bytes.length < end + 4 + Number(length?.[1] ?? 0)) return;
      deliver(bytes);
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(dir, "text.txt"), "line one\r\nlíne two & more=+%\n");
  writeFileSync(join(dir, "bytes.bin"), Buffer.from([0x00, 0xff, 0x20, 0x0a, 0x7e, 0x2d]));
});

afterAll(() => server?.close());

/** What real curl sends for the command (its words as the shell would split them). */
async function sentByCurl(command: string): Promise<Buffer> {
  expectRequest();
  const args = shellWords(command).slice(1);
  const ran = new Promise<void>((resolve, reject) =>
    execFile("curl", ["-s", "-S", "-o", "/dev/null", ...args], { cwd: dir }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  const [bytes] = await Promise.all([last, ran]);
  return bytes;
}

const readFile = (path: string) => readFileSync(join(dir, path));

const COMMANDS = [
  "--data-urlencode 'héllo wörld: *!()~-._'\\''+%'",
  "--data-urlencode '=a b=c&d'",
  "--data-urlencode 'name=a b@c é'",
  "--data-urlencode 'a@b=c d'",
  "--data-urlencode @text.txt",
  "--data-urlencode name@text.txt",
  "--data-urlencode @bytes.bin",
  "--data-urlencode first=1 -d raw=2 --data-urlencode '=x y' --data-binary 'z z'",
  "--data-urlencode x= --data-urlencode = --data-urlencode ''",
  "-d @text.txt --data-binary @bytes.bin",
  `--json '{"a":1}' --json '{"b":"é"}' -d c=3`,
  `-d a=1 --json '{"b":2}'`,
];

describe("curl commands read into the bytes real curl sends", () => {
  it.each(COMMANDS)("body of curl %s", async (options) => {
    const command = `curl ${base}/calling/v1/callouts ${options}`;
    const sent = await sentByCurl(command);
    const fromCurl = parseRequest(sent);
    const read = parseRequest(command, { readFile });
    expect(Buffer.from(read.body).toString("hex")).toBe(Buffer.from(fromCurl.body).toString("hex"));
    expect(read.method).toBe(fromCurl.method);
    const type = (r: typeof read) => r.headers.find(([n]) => n.toLowerCase() === "content-type")?.[1];
    expect(type(read)).toBe(type(fromCurl));
  });

  it.each([
    "-G --data-urlencode 'b=x y é' -d a=1",
    "--get -X POST --data-urlencode @text.txt",
    "-G -d a=1 --data-urlencode 'q=1 2/é'",
  ])("query of curl %s", async (options) => {
    const command = `curl '${base}/calling/v1/callouts?own=1' ${options}`;
    const fromCurl = parseRequest(await sentByCurl(command));
    const read = parseRequest(command, { readFile });
    // libcurl's URL parser writes the appended query's escapes in lower case up to 8.19 and
    // in upper case from 8.20 (curl/curl#21524): the same bytes otherwise.
    const hexCase = (q: string | null) => q?.replace(/%[0-9a-f]{2}/gi, (e) => e.toUpperCase()) ?? null;
    expect(read.query).toMatch(/%[0-9A-F]{2}/);
    expect({ method: read.method, path: read.path, query: read.query, body: read.body.length }).toEqual({
      method: fromCurl.method,
      path: fromCurl.path,
      query: hexCase(fromCurl.query),
      body: fromCurl.body.length,
    });
  });

  it("a request signed over what curl sends verifies when its command is pasted, @file read from the current directory", async () => {
    const options = "--data-urlencode 'to=+46 70' --data-urlencode text@text.txt";
    const sent = parseRequest(await sentByCurl(`curl ${base}/sms ${options}`));
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/sms",
      body: sent.body,
      contentType: "application/x-www-form-urlencoded",
      timestamp: NOW.toISOString(),
    });
    const command = `curl https://example.com/sms -H 'x-timestamp: ${signed.timestamp}' -H 'Authorization: ${signed.authorization}' ${options}`;
    const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
    const r = await runCli(["request", "verify", "--json", command], { env, cwd: dir });
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, scheme: "application" });
    expect(r.code).toBe(0);
    const elsewhere = await runCli(["request", "verify", command], { env, cwd: tmpdir() });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^error: cannot read text\.txt, the file the curl command sends \(ENOENT\)\n$/);
  });

  it("-F is refused in one line saying why, exit 6", async () => {
    const r = await runCli(["request", "verify", `curl ${base}/x -F a=b -H 'Authorization: Application k:s'`], {});
    expect(r.code).toBe(6);
    expect(r.stdout + r.stderr).toMatch(/boundary curl chooses when it runs/);
  });
});

/** What real curl sends for a command run by bash exactly as printed. */
async function sentByBash(command: string): Promise<Buffer> {
  expectRequest();
  const ran = new Promise<void>((resolve, reject) =>
    execFile("bash", ["-c", `${command.trim()} -s -S -o /dev/null`], { cwd: dir }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  const [bytes] = await Promise.all([last, ran]);
  return bytes;
}

describe("request sign --curl with a path a URL must escape, run by real curl as printed", () => {
  const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

  it("escapes it as a WHATWG URL does and signs what is sent; --decoded-path signs it decoded", async () => {
    const written = `${base}/calling/v1/users/Zoë O’Brien/x?q=a b`;
    const escaped = "/calling/v1/users/Zo%C3%AB%20O%E2%80%99Brien/x";
    expect(new URL(written).pathname).toBe(escaped);
    const printed = await runCli(["request", "sign", "GET", written, "--curl"], { env, now: NOW });
    expect(printed.code, printed.stderr).toBe(0);
    const sent = await sentByBash(printed.stdout);
    expect(sent.toString("latin1").split("\r\n")[0]).toBe(`GET ${escaped}?q=a%20b HTTP/1.1`);
    const request = parseRequest(sent);
    const verdict = verifyRequest(request, { applicationKey: KEY, applicationSecret: SECRET, ignoreTime: true });
    expect(verdict.code).toBe("valid");
    expect(verdict.stringToSign?.endsWith(`\n${escaped}`)).toBe(true);

    const decoded = await runCli(["request", "sign", "GET", written, "--curl", "--decoded-path"], { env, now: NOW });
    const sentDecoded = parseRequest(await sentByBash(decoded.stdout));
    expect(sentDecoded.path).toBe(escaped);
    const checked = verifyRequest(sentDecoded, { applicationKey: KEY, applicationSecret: SECRET, ignoreTime: true });
    expect(checked.code).toBe("bad_signature");
    expect(checked.diagnosis.map((d) => d.mistake)).toEqual(["path-encoding"]);
    const json = JSON.parse(
      (await runCli(["request", "sign", "GET", written, "--json", "--decoded-path"], { env })).stdout,
    );
    expect(json.path).toBe("/calling/v1/users/Zoë O’Brien/x");
  });
});

describe("body-newline, made by real curl -d @file", () => {
  const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

  it("a body signed with the file's trailing newline and sent by curl -d @file (which strips it) is named", async () => {
    writeFileSync(join(dir, "body.json"), '{"method":"sms"}\n');
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/verification/v1/verifications",
      body: readFile("body.json"),
      contentType: "application/json",
      timestamp: NOW.toISOString(),
    });
    const headers = `-H 'Content-Type: application/json' -H 'x-timestamp: ${signed.timestamp}' -H 'Authorization: ${signed.authorization}'`;
    const sent = parseRequest(await sentByCurl(`curl ${base}/verification/v1/verifications ${headers} -d @body.json`));
    expect(Buffer.from(sent.body).toString()).toBe('{"method":"sms"}');
    const r = await runCli(
      [
        "request",
        "verify",
        "--json",
        "--ignore-time",
        `curl ${base}/verification/v1/verifications ${headers} -d @body.json`,
      ],
      { env, cwd: dir },
    );
    const out = JSON.parse(r.stdout);
    expect(r.code).toBe(3);
    expect(out.diagnosis.map((d: { mistake: string }) => d.mistake)).toEqual(["body-newline"]);
    expect(out.diagnosis[0].detail).toContain("--data-binary @file");
    // The reverse: signed over the bytes curl -d sends, sent whole with --data-binary.
    const stripped = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/verification/v1/verifications",
      body: sent.body,
      contentType: "application/json",
      timestamp: NOW.toISOString(),
    });
    const whole = await sentByCurl(
      `curl ${base}/verification/v1/verifications -H 'Content-Type: application/json' -H 'x-timestamp: ${stripped.timestamp}' -H 'Authorization: ${stripped.authorization}' --data-binary @body.json`,
    );
    const back = verifyRequest(parseRequest(whole), {
      applicationKey: KEY,
      applicationSecret: SECRET,
      ignoreTime: true,
    });
    expect(back.diagnosis.map((d) => d.mistake)).toEqual(["body-newline"]);
  });
});
