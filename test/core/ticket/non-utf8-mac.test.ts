import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { verifyTicket } from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { jsonFor } from "../../helpers/mistakes.js";

/**
 * Tickets whose data is UTF-8 but whose signature covers the JSON in another charset, made
 * by an independent encoder (Python's codecs, which replace what a charset lacks with '?'
 * as Java's String.getBytes() and .NET's Encoding.ASCII do).
 */
function signedIn(charset: string, json: string, secret: string): string {
  const script = [
    "import base64, hashlib, hmac, sys",
    "json, charset, secret = sys.argv[1], sys.argv[2], sys.argv[3]",
    "digest = hmac.new(base64.b64decode(secret), json.encode(charset, 'replace'), hashlib.sha256).digest()",
    "print(base64.b64encode(json.encode('utf-8')).decode() + ':' + base64.b64encode(digest).decode())",
  ].join("\n");
  const r = spawnSync("python3", ["-c", script, json, charset, secret], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const havePython = spawnSync("python3", ["--version"]).status === 0;
const mistakes = (ticket: string, secret = SECRET) =>
  verifyTicket(ticket, { applicationSecret: secret, applicationKey: KEY, now: NOW }).diagnosis;

describe.skipIf(!havePython && !process.env.CI)("non-utf8-mac: the MAC over the JSON in a platform charset", () => {
  const json = jsonFor(KEY, "Zoë Šťastná €5 ✓");
  it.each([
    ["cp1252", "Windows-1252"],
    ["latin-1", "ISO-8859-1"],
    ["ascii", "ASCII"],
  ])("%s", (charset, name) => {
    const found = mistakes(signedIn(charset, json, SECRET));
    expect(found.map((d) => d.mistake)).toEqual(["non-utf8-mac"]);
    expect(found[0]?.detail).toContain(`covers the JSON in ${name}`);
  });

  it("is never claimed for a ticket it does not reproduce", () => {
    // Another secret: the charset guess cannot make the MAC match.
    expect(mistakes(signedIn("cp1252", json, OTHER_SECRET)).map((d) => d.mistake)).not.toContain("non-utf8-mac");
    // An ASCII-only endpoint: every charset gives the same bytes, and the ticket is valid.
    const ascii = signedIn("cp1252", jsonFor(KEY, "alice"), SECRET);
    expect(verifyTicket(ascii, { applicationSecret: SECRET, applicationKey: KEY, now: NOW }).valid).toBe(true);
  });
});
