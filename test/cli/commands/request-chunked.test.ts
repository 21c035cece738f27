/**
 * A request really sent in chunked transfer encoding (Node's http client writing a body
 * without Content-Length), captured byte for byte by a raw TCP server, then pasted.
 */
import { once } from "node:events";
import { request } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { signApplicationRequest } from "../../../src/index.js";
import { KEY, NOW, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

/** Sends the body in pieces (each one chunk) and returns the bytes that reached the server. */
async function captureChunked(headers: Record<string, string>, pieces: string[]): Promise<Buffer> {
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    socket.on("data", (d: Buffer) => {
      received.push(d);
      // The last chunk and the empty trailer section end the request.
      if (Buffer.concat(received).includes("\r\n0\r\n\r\n")) {
        socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  try {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/calling/v1/callouts", headers });
    const answered = once(req, "response");
    for (const piece of pieces) req.write(piece);
    req.end();
    const [response] = await answered;
    response.resume();
    await once(response, "end");
  } finally {
    server.close();
  }
  return Buffer.concat(received);
}

describe("request verify with a chunked body", () => {
  it("de-chunks a request Node's http client really sent chunked, and it verifies valid", async () => {
    const pieces = [
      '{"method":"ttsCallout",',
      '"ttsCallout":{"destination":{"type":"number","endpoint":"+4670"},',
      '"text":"héllo"}}',
    ];
    const body = pieces.join("");
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/calling/v1/callouts",
      body,
      contentType: "application/json; charset=utf-8",
      timestamp: NOW.toISOString(),
    });
    const bytes = await captureChunked(
      {
        "Content-Type": "application/json; charset=utf-8",
        "x-timestamp": signed.timestamp,
        Authorization: signed.authorization,
      },
      pieces,
    );
    const text = bytes.toString("latin1");
    expect(text).toMatch(/\r\nTransfer-Encoding: chunked\r\n/i);
    expect(text).not.toMatch(/content-length/i);

    const r = await runCli(["request", "verify", "-"], { env, stdin: bytes });
    expect(r.stdout).toContain("valid");
    expect(r.stderr).toMatch(/de-chunked/);
    expect(r.code).toBe(0);
    const json = await runCli(["request", "verify", "--json", "-"], { env, stdin: bytes });
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, scheme: "application" });
    expect(JSON.parse(json.stdout).notes.join("\n")).toMatch(/de-chunked/);
  });

  it("a chunked body that is not in chunked form is exit 6 with one line saying why, not a wrong verdict", async () => {
    const body = '{"a":1}';
    const signed = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/x",
      body,
      contentType: "application/json",
      timestamp: NOW.toISOString(),
    });
    const text = `POST /x HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nx-timestamp: ${signed.timestamp}\r\nAuthorization: ${signed.authorization}\r\n\r\n${body}`;
    const r = await runCli(["request", "verify", text], { env });
    expect(r.code).toBe(6);
    expect(r.stdout + r.stderr).toMatch(/chunk/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
