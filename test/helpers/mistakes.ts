/**
 * Real tickets made with each mistake of formats.md, built the mistaken way (not by
 * editing a verdict): used to check that verify names the mistake.
 */
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { ticketJson } from "../../src/index.js";

const require = createRequire(import.meta.url);
const sinchTicketgen = require("sinch-ticketgen") as (
  k: string,
  s: string,
  u: { username: string },
  c?: string,
) => { userTicket: string };

const hmac = (key: Uint8Array | string, data: Uint8Array | string) => createHmac("sha256", key).update(data).digest();
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");

export function jsonFor(key: string, endpoint: string): string {
  return ticketJson("dotnet", {
    applicationKey: key,
    identity: { type: "username", endpoint },
    created: "2026-11-28T12:00:00.0000000Z",
  });
}

function goodTicket(
  key: string,
  secret: string,
  endpoint: string,
): { json: string; data: string; digest: Buffer; ticket: string } {
  const json = jsonFor(key, endpoint);
  const digest = hmac(Buffer.from(secret, "base64"), json);
  const data = b64(json);
  return { json, data, digest, ticket: `${data}:${b64(digest)}` };
}

/** The first ticket, over endpoints user0, user1..., that satisfies `accept`. */
function search<T>(make: (endpoint: string) => T, accept: (t: T) => boolean): T {
  for (let i = 0; i < 10_000; i++) {
    const t = make(`user${i}`);
    if (accept(t)) return t;
  }
  throw new Error("no ticket found");
}

export type Mistake =
  | "mac-over-base64"
  | "secret-not-decoded"
  | "plus-as-space"
  | "percent-encoded"
  | "base64url"
  | "missing-padding"
  | "hex-signature"
  | "line-wrapped"
  | "stripped-digest"
  | "latin1-data"
  | "wrong-application";

export function ticketWithMistake(mistake: Mistake, key: string, secret: string, otherSecret: string): string {
  const secretBytes = Buffer.from(secret, "base64");
  switch (mistake) {
    case "mac-over-base64": {
      const json = jsonFor(key, "alice");
      return `${b64(json)}:${b64(hmac(secretBytes, b64(json)))}`;
    }
    case "secret-not-decoded": {
      const json = jsonFor(key, "alice");
      return `${b64(json)}:${b64(hmac(Buffer.from(secret, "utf8"), json))}`;
    }
    case "plus-as-space":
      return search(
        (e) => goodTicket(key, secret, e).ticket,
        (t) => t.includes("+"),
      ).replaceAll("+", " ");
    case "percent-encoded":
      return encodeURIComponent(
        search(
          (e) => goodTicket(key, secret, e).ticket,
          (t) => /[+/]/.test(t),
        ),
      );
    case "base64url":
      return search(
        (e) => goodTicket(key, secret, e).ticket,
        (t) => /[+/]/.test(t),
      )
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replaceAll("=", "");
    case "missing-padding":
      return goodTicket(key, secret, "alice").ticket.replaceAll("=", "");
    case "hex-signature": {
      const t = goodTicket(key, secret, "alice");
      return `${t.data}:${t.digest.toString("hex")}`;
    }
    case "line-wrapped": {
      const t = goodTicket(key, secret, "alice");
      return `${t.data.replace(/(.{76})/g, "$1\r\n")}:${b64(t.digest)}`;
    }
    case "stripped-digest": {
      const t = search(
        (e) => goodTicket(key, secret, e),
        (x) => [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20].includes(x.digest[x.digest.length - 1] as number),
      );
      let end = t.digest.length;
      while (end > 0 && [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20].includes(t.digest[end - 1] as number)) end--;
      return `${t.data}:${b64(t.digest.subarray(0, end))}`;
    }
    case "latin1-data":
      return sinchTicketgen(key, secret, { username: "Zoë" }, "2026-11-28T12:00:00.000Z").userTicket;
    case "wrong-application":
      return goodTicket("another-application", otherSecret, "alice").ticket;
  }
}
