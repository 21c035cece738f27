// `node:child_process` for commander, which needs it only to run executable subcommands
// (this program has none): loaded on first use instead of at start-up.
module.exports = new Proxy({}, { get: (_, name) => require("node:child_process")[name] });
