import { requestError } from "./message.js";

/** Splits a shell command line into words: quotes, `$'...'`, backslashes, line continuations. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const push = (s: string) => {
    word = (word ?? "") + s;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      i += text[i + 1] === "\n" ? 2 : 3;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw requestError("the curl command has an unclosed ' quote");
      push(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === "$" && text[i + 1] === "'") {
      i += 2;
      let s = "";
      for (;;) {
        if (i >= text.length) throw requestError("the curl command has an unclosed $' quote");
        const d = text[i] as string;
        if (d === "'") break;
        if (d !== "\\") {
          s += d;
          i++;
          continue;
        }
        const e = text[i + 1] ?? "";
        const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
        const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
        const uni = /^u([0-9a-fA-F]{4})/.exec(text.slice(i + 1));
        if (hex) {
          s += String.fromCharCode(Number.parseInt(hex[1] as string, 16));
          i += 1 + hex[0].length;
        } else if (uni) {
          s += String.fromCharCode(Number.parseInt(uni[1] as string, 16));
          i += 1 + uni[0].length;
        } else if (e in simple) {
          s += simple[e];
          i += 2;
        } else {
          s += `\\${e}`;
          i += 2;
        }
      }
      push(s);
      i++;
    } else if (c === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= text.length) throw requestError('the curl command has an unclosed " quote');
        const d = text[i] as string;
        if (d === '"') break;
        if (d === "\\" && /["\\$`\n]/.test(text[i + 1] ?? "")) {
          if (text[i + 1] !== "\n") s += text[i + 1];
          i += 2;
        } else {
          s += d;
          i++;
        }
      }
      push(s);
      i++;
    } else if (c === "\\") {
      push(text[i + 1] ?? "");
      i += 2;
    } else {
      push(c);
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
