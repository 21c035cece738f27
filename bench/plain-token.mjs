// Baseline for `sign --format jwt --batch`: a plain single-threaded loop doing the same
// work (the date's signing key once; per user the sorted claims with a random UUID nonce,
// base64url, HMAC-SHA256, an NDJSON line) on the same input.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const [file, key, now] = process.argv.slice(2);
const iat = Math.floor(Date.parse(now) / 1000);
const date = new Date(iat * 1000).toISOString().slice(0, 10).replaceAll("-", "");
const signingKey = createHmac("sha256", Buffer.from(process.env.SINCH_APPLICATION_SECRET, "base64"))
  .update(date)
  .digest();
const head = Buffer.from(`{"alg":"HS256","kid":"hkdfv1-${date}"}`).toString("base64url");
const iss = `//rtc.sinch.com/applications/${key}`;
let out = "";
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (line === "") continue;
  const claims = `{"exp":${iat + 600},"iat":${iat},"iss":${JSON.stringify(iss)},"nonce":"${randomUUID()}","sub":${JSON.stringify(`${iss}/users/${line}`)}}`;
  const input = `${head}.${Buffer.from(claims).toString("base64url")}`;
  const token = `${input}.${createHmac("sha256", signingKey).update(input).digest("base64url")}`;
  out += `{"userId":${JSON.stringify(line)},"token":"${token}"}\n`;
  if (out.length > 65536) {
    process.stdout.write(out);
    out = "";
  }
}
process.stdout.write(out);
