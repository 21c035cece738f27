import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { handOverHtml, writeHandOverFile } from "../../../src/cli/commands/inspect/handover.js";

describe("inspect's hand-over file", () => {
  it("is 0600 in a private 0700 directory, posts the token to the page, and is removed", () => {
    const file = writeHandOverFile("http://127.0.0.1:4321/", "tok-en_123");
    try {
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(file.path)).mode & 0o777).toBe(0o700);
      const html = readFileSync(file.path, "utf8");
      expect(html).toContain('<form method="post" action="http://127.0.0.1:4321/"');
      expect(html).toContain('<input type="password" name="token" value="tok-en_123" hidden>');
      expect(file.path).not.toContain("tok-en_123");
    } finally {
      file.remove();
    }
    expect(existsSync(dirname(file.path))).toBe(false);
    file.remove();
  });

  it("escapes what it writes into the page", () => {
    expect(handOverHtml('http://h/"><script>', '"&<')).toContain('action="http://h/&quot;&gt;&lt;script&gt;"');
    expect(handOverHtml("http://h/", '"&<')).toContain('value="&quot;&amp;&lt;"');
  });
});
