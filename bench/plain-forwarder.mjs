// The baseline of `callback listen --forward-to`: a plain node:http server that reads each
// request and passes it on to the backend (argv[2]) with a keep-alive agent, returning
// the backend's status, headers and body. No checks, no limits, no log.
import { Agent, createServer, request as send } from "node:http";

const backend = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);
const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (c) => chunks.push(c));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const headers = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      if (!HOP.has(request.rawHeaders[i].toLowerCase())) headers.push(request.rawHeaders[i], request.rawHeaders[i + 1]);
    }
    headers.push("content-length", String(body.length));
    const outgoing = send(
      { hostname: backend.hostname, port: backend.port, method: request.method, path: request.url, headers, agent },
      (incoming) => {
        const back = [];
        incoming.on("data", (c) => back.push(c));
        incoming.on("end", () => {
          const answer = Buffer.concat(back);
          const out = {};
          for (const [k, v] of Object.entries(incoming.headers)) if (!HOP.has(k)) out[k] = v;
          response.writeHead(incoming.statusCode, { ...out, "content-length": answer.length });
          response.end(answer);
        });
      },
    );
    outgoing.on("error", () => {
      response.writeHead(502);
      response.end();
    });
    outgoing.end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
