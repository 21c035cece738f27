/**
 * The local servers, in one file of their own in dist/: `serve` and `inspect` load it
 * when they start, and share Fastify instead of each carrying a copy.
 */
export { createAuthServer } from "./auth.js";
export { createCallbackServer } from "./callback.js";
export { createInspectServer } from "./inspect.js";
