/**
 * One damaged ticket or token for each diagnosis id, made the mistaken way (see
 * mistakes.ts), and the ways people paste them: bare, inside a log line, inside a URL.
 */
import { createHmac } from "node:crypto";
import { createRegistrationToken, registrationSigningKey } from "../../src/index.js";
import { KEY, OTHER_SECRET, SECRET } from "./constants.js";
import { jsonFor, ticketWithMistake } from "./mistakes.js";

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const hmac = (key: Uint8Array, data: string | Uint8Array) => createHmac("sha256", key).update(data).digest();

/** A token signed by `sign` over its signing input, for the application KEY. */
function token(iat: number, kidDate: string, sign: (input: string) => Buffer, alg = "HS256"): string {
  const header = { alg, kid: `hkdfv1-${kidDate}` };
  const claims = {
    exp: iat + 600,
    iat,
    iss: `//rtc.sinch.com/applications/${KEY}`,
    nonce: "n",
    sub: `//rtc.sinch.com/applications/${KEY}/users/alice`,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign(input))}`;
}

const IAT = 1795867200; // 2026-11-28T08:00:00Z
const LATE = 1795908600; // 2026-11-28T19:30:00Z, already 2026-11-29 at UTC+5

/** A ticket for alice, signed with KEY and SECRET. */
export function goodTicket(): string {
  return `${Buffer.from(jsonFor(KEY, "alice")).toString("base64")}:${hmac(Buffer.from(SECRET, "base64"), jsonFor(KEY, "alice")).toString("base64")}`;
}

/** Each diagnosis id with a ticket or token that shows it (verified with KEY and SECRET). */
export function damagedInputs(): { id: string; text: string }[] {
  const mistake = (m: Parameters<typeof ticketWithMistake>[0]) => ticketWithMistake(m, KEY, SECRET, OTHER_SECRET);
  const json = jsonFor(KEY, "Zoë");
  const good = goodTicket();
  const nonUtf8 = `${Buffer.from(json).toString("base64")}:${hmac(Buffer.from(SECRET, "base64"), Buffer.from(json, "latin1")).toString("base64")}`;
  return [
    { id: "mac-over-base64", text: mistake("mac-over-base64") },
    { id: "secret-not-decoded", text: mistake("secret-not-decoded") },
    { id: "plus-as-space", text: mistake("plus-as-space") },
    { id: "percent-encoded", text: mistake("percent-encoded") },
    { id: "base64url", text: mistake("base64url") },
    { id: "base64url", text: mistake("missing-padding") },
    { id: "hex-signature", text: mistake("hex-signature") },
    { id: "line-wrapped", text: mistake("line-wrapped") },
    { id: "stripped-digest", text: mistake("stripped-digest") },
    { id: "latin1-data", text: mistake("latin1-data") },
    { id: "non-utf8-mac", text: nonUtf8 },
    { id: "wrong-application", text: mistake("wrong-application") },
    { id: "truncated", text: good.slice(0, -11) },
    { id: "invisible-character", text: `${good.slice(0, 20)}\u200B${good.slice(20)}` },
    { id: "kid-date", text: token(LATE, "20261129", (i) => hmac(registrationSigningKey(SECRET, "20261129"), i)) },
    {
      id: "secret-not-decoded",
      text: token(IAT, "20261128", (i) => hmac(registrationSigningKey(Buffer.from(SECRET, "utf8"), "20261128"), i)),
    },
    {
      id: "mac-over-base64",
      text: token(IAT, "20261128", (i) => hmac(registrationSigningKey(SECRET, "20261128"), i.split(".")[1] as string)),
    },
    { id: "unsigned", text: token(IAT, "20261128", () => Buffer.alloc(0), "none") },
    {
      id: "wrong-application",
      text: createRegistrationToken({
        applicationKey: "another-application",
        applicationSecret: OTHER_SECRET,
        userId: "alice",
        now: new Date(IAT * 1000),
      }).token,
    },
  ];
}

/** '/' written '\/', as the JSON encoders of PHP, Java and .NET write it. */
const slashesEscaped = (t: string) => t.replaceAll("/", "\\/");

/**
 * The ways a ticket reaches support: as it is, in a log line, in a URL's query, copied out
 * of a JSON log with its escapes (a bare paste, a logfmt value, a log line that embeds
 * JSON), or cut by a chat tool or log viewer that ends it with an ellipsis.
 */
export const PASTED: Record<string, (t: string) => string> = {
  bare: (t) => t,
  "log line": (t) => `2026-11-28T12:00:01Z INFO login failed ticket=${t} user=alice`,
  URL: (t) => `https://app.example.com/callback?ticket=${t}&user=alice`,
  "JSON escapes, bare": slashesEscaped,
  "JSON escapes, logfmt value": (t) => `ts=2026-11-28T12:00:01Z level=warn ticket="${slashesEscaped(t)}" user=alice`,
  "JSON escapes, log line embedding JSON": (t) =>
    `app[web.1]: {"event":"login failed","ticket":"${slashesEscaped(t)}","user":"alice"}`,
};

/**
 * A ticket (and a token) cut and ended with an ellipsis, each way it reaches support:
 * `truncated` in every entry point, the ellipsis named.
 */
export function cutWithEllipsis(good = goodTicket()): string[] {
  const cut = good.slice(0, -11);
  const data = good.slice(0, 40);
  const jwt = createRegistrationToken({
    applicationKey: KEY,
    applicationSecret: SECRET,
    userId: "alice",
    now: new Date(IAT * 1000),
  }).token.slice(0, -20);
  return [
    `${jwt}\u2026`,
    `2026-11-28T12:00:01Z INFO register token=${jwt}... user=alice`,
    `${cut}\u2026`,
    `${cut}...`,
    `${data}...`,
    `2026-11-28T12:00:01Z INFO login failed ticket=${cut}\u2026 user=alice`,
    `ts=2026-11-28T12:00:01Z ticket="${data}..." user=alice`,
  ];
}
