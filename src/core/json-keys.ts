/**
 * Keys an object of a JSON text holds more than once, compared as Sinch's reader compares
 * them (Newtonsoft.Json's JObject, case-insensitive): `endpoint` twice, or `applicationKey`
 * beside `applicationkey`. `JSON.parse` keeps the last value of a repeated key and Sinch
 * reads the last of a group too, so the last spelling in the text names the value read.
 */
export interface DuplicateKey {
  /** Where the object is, as keys from the root: `[]` for the root, `["identity"]`. */
  path: string[];
  /** The spellings, in the order of the text (one per occurrence). */
  names: string[];
}

/** Keys of an object's text, by lowercase form, each with its spellings in order. */
interface Frame {
  keys: Map<string, string[]> | null;
  /** The key under which this object is (the path's last step), null in an array or at the root. */
  path: string[];
  array: boolean;
  /** The last key read in this object: the step of the path for the value that follows. */
  lastKey: string | null;
}

/** Upper bound on the keys of the text: every key is a string followed by ':'. */
const KEY_END = /"\s*:/g;

/** Total keys of every object in a parsed value, and whether two differ only in case. */
function countKeys(value: unknown, seen: { keys: number; caseFolded: boolean }): void {
  if (Array.isArray(value)) {
    for (const v of value) countKeys(v, seen);
  } else if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    seen.keys += keys.length;
    if (!seen.caseFolded && keys.length > 1 && new Set(keys.map((k) => k.toLowerCase())).size < keys.length)
      seen.caseFolded = true;
    for (const k of keys) countKeys((value as Record<string, unknown>)[k], seen);
  }
}

/**
 * The keys held more than once in `json`, a text `JSON.parse` read as `parsed`. Cheap when
 * there are none (the common case): the text is walked only when the parsed value has
 * fewer keys than the text names, or two keys that differ only in case.
 */
export function duplicateKeys(json: string, parsed: unknown): DuplicateKey[] {
  const seen = { keys: 0, caseFolded: false };
  countKeys(parsed, seen);
  if (!seen.caseFolded && (json.match(KEY_END)?.length ?? 0) <= seen.keys) return [];
  const out: DuplicateKey[] = [];
  const stack: Frame[] = [];
  const close = () => {
    const frame = stack.pop();
    for (const names of frame?.keys?.values() ?? []) {
      if (names.length > 1) out.push({ path: frame?.path ?? [], names });
    }
  };
  const childPath = (): string[] => {
    const parent = stack[stack.length - 1];
    if (!parent) return [];
    return parent.array || parent.lastKey === null ? parent.path : [...parent.path, parent.lastKey];
  };
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === "{" || ch === "[") {
      stack.push({ keys: ch === "{" ? new Map() : null, path: childPath(), array: ch === "[", lastKey: null });
    } else if (ch === "}" || ch === "]") {
      close();
    } else if (ch === '"') {
      // A string: a key when the next character that is not whitespace is ':'.
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      let next = end + 1;
      while (next < json.length && /\s/.test(json[next] as string)) next++;
      const frame = stack[stack.length - 1];
      if (json[next] === ":" && frame?.keys) {
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        const folded = name.toLowerCase();
        const names = frame.keys.get(folded);
        if (names) names.push(name);
        else frame.keys.set(folded, [name]);
        frame.lastKey = name;
      }
      i = end;
    }
  }
  while (stack.length > 0) close();
  return out.sort((a, b) => a.path.length - b.path.length);
}
