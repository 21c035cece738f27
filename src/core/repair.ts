/**
 * Damage a ticket or token picks up on its way that can be undone mechanically, one rule
 * each. The judge never applies them to the verdict: a detector repairs, then checks
 * whether the repaired ticket is well-formed and (with a secret) whether it verifies, so
 * that the diagnosis can say which story is true; decode shows what the repaired ticket
 * says next to the damage.
 */

/** Characters that cannot belong to a ticket and do not show: each is a mistake of its own. */
const INVISIBLE_CLASS =
  "[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F\\u00A0\\u00AD\\u200B-\\u200F\\u2028\\u2029\\u2060\\uFEFF\\uFFFD]";
export const INVISIBLE = new RegExp(INVISIBLE_CLASS);
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "g");

const NAMES: Record<string, string> = {
  "\u00A0": "no-break space",
  "\u00AD": "soft hyphen",
  "\u200B": "zero-width space",
  "\u200C": "zero-width non-joiner",
  "\u200D": "zero-width joiner",
  "\u200E": "left-to-right mark",
  "\u200F": "right-to-left mark",
  "\u2028": "line separator",
  "\u2029": "paragraph separator",
  "\u2060": "word joiner",
  "\uFEFF": "byte-order mark",
  "\uFFFD": "a byte that is not UTF-8, read as the replacement character",
};

/** "U+200B (zero-width space)". */
export function nameInvisible(ch: string): string {
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return `${code} (${NAMES[ch] ?? "a control character"})`;
}

export type RepairId = "plus-as-space" | "percent-encoded" | "line-wrapped" | "invisible-character";

/** Each repair, or null when the damage is not there. */
export const REPAIRS: Record<RepairId, (text: string) => string | null> = {
  "plus-as-space": (t) => (t.includes(" ") ? t.replaceAll(" ", "+") : null),
  "percent-encoded": (t) => {
    if (!/%[0-9A-Fa-f]{2}/.test(t)) return null;
    try {
      const decoded = decodeURIComponent(t);
      return decoded === t ? null : decoded;
    } catch {
      return null;
    }
  },
  "line-wrapped": (t) => (/[\r\n]/.test(t) ? t.replace(/[\r\n]+/g, "") : null),
  "invisible-character": (t) => (INVISIBLE.test(t) ? t.replace(INVISIBLE_ALL, "") : null),
};
