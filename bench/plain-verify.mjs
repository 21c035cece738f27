// Baseline for `verify --batch`: a plain single-threaded loop doing the core of the same
// work (split, base64-decode, HMAC-SHA256, constant-time compare, parse the JSON, print
// an NDJSON line) on the same input.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

const secret = Buffer.from(process.env.SINCH_APPLICATION_SECRET, "base64");
let out = "";
let n = 0;
for (const line of readFileSync(process.argv[2], "utf8").split("\n")) {
  n++;
  if (line === "") continue;
  const [data, signature] = line.split(":");
  const bytes = Buffer.from(data, "base64");
  const valid = timingSafeEqual(createHmac("sha256", secret).update(bytes).digest(), Buffer.from(signature, "base64"));
  const { identity } = JSON.parse(bytes.toString("utf8"));
  out += `{"line":${n},"valid":${valid},"code":"${valid ? "valid" : "bad_signature"}","identity":${JSON.stringify(identity)}}\n`;
  if (out.length > 65536) {
    process.stdout.write(out);
    out = "";
  }
}
process.stdout.write(out);
