// `import os from "node:os"` for chalk, which asks only for the release (on Windows).
import { release } from "node:os";

export default { release };
