// `node:tty` for chalk's colour detection, which only asks `isatty(fd)`. Loading node:tty
// loads Node's network stack (a few milliseconds of start-up), so it is asked only when
// the answer may be yes: a descriptor that is not a character device is no terminal, and
// for standard output and error (/dev/null, say) Node's own stream knows.
const { fstatSync } = require("node:fs");

exports.isatty = (fd) => {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  if (fd === 1) return process.stdout.isTTY === true;
  if (fd === 2) return process.stderr.isTTY === true;
  return require("node:tty").isatty(fd);
};
