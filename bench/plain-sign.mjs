// Baseline for `sign --batch`: a plain single-threaded loop doing the same work (build
// the dotnet-layout JSON, base64, HMAC-SHA256, print an NDJSON line) on the same input.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const [file, key, created] = process.argv.slice(2);
const secret = Buffer.from(process.env.SINCH_APPLICATION_SECRET, "base64");
let out = "";
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (line === "") continue;
  const json = `{"identity":{"type":"username","endpoint":${JSON.stringify(line)}},"applicationkey":${JSON.stringify(key)},"created":"${created}"}`;
  const ticket = `${Buffer.from(json).toString("base64")}:${createHmac("sha256", secret).update(json).digest("base64")}`;
  out += `{"type":"username","endpoint":${JSON.stringify(line)},"userTicket":"${ticket}"}\n`;
  if (out.length > 65536) {
    process.stdout.write(out);
    out = "";
  }
}
process.stdout.write(out);
