// The least a process can do to sign one ticket with node:crypto: no argument parsing, no
// credential sources, no checks. A floor for the start-up comparison, not a competitor.
const { createHmac } = require("node:crypto");
const json = `{"identity":{"type":"username","endpoint":"${process.argv[2]}"},"applicationkey":"${process.env.SINCH_APPLICATION_KEY}","created":"${new Date().toISOString()}"}`;
const secret = Buffer.from(process.env.SINCH_APPLICATION_SECRET, "base64");
const signature = createHmac("sha256", secret).update(json).digest("base64");
require("node:fs").writeSync(1, `${Buffer.from(json).toString("base64")}:${signature}\n`);
