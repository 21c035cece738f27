/**
 * The file the browser is opened on: a form that POSTs the run's token to the page's
 * server as soon as it loads. The token is then in no URL the browser records (history,
 * session files) and on no command line (the opener is given the file's path only).
 *
 * The file lives in a private directory (0700) of its own, is readable by its owner only
 * (0600), and is removed once the server has the token, or when the command ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface HandOverFile {
  /** The file's path: what the browser is opened on. */
  readonly path: string;
  /** Removes the file and its directory (again: nothing). */
  remove(): void;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&"'<>]/g,
    (c) => ({ "&": "&amp;", '"': "&quot;", "'": "&#39;", "<": "&lt;", ">": "&gt;" })[c] as string,
  );
}

/**
 * The hand-over page. A `file:` page is under no server's Content-Security-Policy; its one
 * inline script submits the form (a `<meta http-equiv=refresh>` cannot POST). The token's
 * field is a password field: Chromium keeps no form data of a password form in its session
 * files. A button does the same by hand where scripts are off.
 */
export function handOverHtml(action: string, token: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>sinch-ticket inspect</title></head>
<body>
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<input type="password" name="token" value="${escapeHtml(token)}" hidden>
<p>Opening the inspect page&hellip; <button type="submit">Open it</button></p>
</form>
<script>document.forms[0].submit();</script>
</body></html>
`;
}

/** Writes the hand-over file for the page at `action` (`http://127.0.0.1:PORT/`). */
export function writeHandOverFile(action: string, token: string): HandOverFile {
  // mkdtemp makes the directory 0700; the file is made 0600, and only if it is new.
  const dir = mkdtempSync(join(tmpdir(), "sinch-ticket-inspect-"));
  const path = join(dir, "open-inspect.html");
  writeFileSync(path, handOverHtml(action, token), { mode: 0o600, flag: "wx" });
  let removed = false;
  return {
    path,
    remove() {
      if (removed) return;
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
