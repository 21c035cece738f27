// The baseline for the inspect page's load time: a trivial page (one deferred script that
// marks itself ready, an empty style sheet) served by the very server `inspect` runs, with
// the same headers, token check and Host check. Prints its URL (with the token) first.
// BENCH_COOP=1 adds `Cross-Origin-Opener-Policy: same-origin`, to show what that header
// costs a first load.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// The build names the servers' file by its content's hash.
const dist = new URL("../dist/", import.meta.url);
const serverFile = readdirSync(dist).find((name) => /^server-[\w-]+\.cjs$/.test(name));
if (!serverFile) throw new Error("no server file in dist/: run `npm run build` first");
const { createInspectServer } = require(new URL(serverFile, dist).pathname);
const token = "bench-token-bench-token-bench-token";
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>trivial</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body data-profiles=""><p>A trivial page.</p></body>
</html>
`;
const script = 'document.body.dataset.ready = "true"; performance.mark("inspect-ready");\n';
const app = await createInspectServer({
  token,
  assets: { html, script, style: "p { margin: 1em }\n" },
  profiles: async () => ({ started: null, profiles: [] }),
  inspect: async () => ({}),
});
if (process.env.BENCH_COOP === "1") {
  app.addHook("onRequest", (_request, reply, done) => {
    reply.header("cross-origin-opener-policy", "same-origin");
    done();
  });
}
await app.listen({ host: "127.0.0.1", port: 0 });
console.log(`http://127.0.0.1:${app.server.address().port}/?token=${token}`);
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
