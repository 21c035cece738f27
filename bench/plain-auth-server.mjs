// The baseline for `serve`'s load test: a plain node:http server that does the same work
// per request as `serve --any-user`: read the name from the query string, build the dotnet
// layout ticket, HMAC-SHA256 it, answer {"userTicket": ...}. No validation, no limits.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";

const key = process.env.SINCH_APPLICATION_KEY;
const secret = Buffer.from(process.env.SINCH_APPLICATION_SECRET, "base64");
const server = createServer((request, response) => {
  const url = new URL(request.url, "http://x");
  if (request.method !== "POST" || url.pathname.toLowerCase().replace(/\/$/, "") !== "/api/auth") {
    response.writeHead(404).end();
    return;
  }
  request.resume();
  request.on("end", () => {
    const created = `${new Date().toISOString().slice(0, -1)}0000Z`;
    const json = `{"identity":{"type":"username","endpoint":${JSON.stringify(url.searchParams.get("username"))}},"applicationkey":${JSON.stringify(key)},"created":"${created}"}`;
    const signature = createHmac("sha256", secret).update(json).digest("base64");
    const body = JSON.stringify({ userTicket: `${Buffer.from(json).toString("base64")}:${signature}` });
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
