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

/**
 * An upper bound on the keys of the text: every key is a string followed by ':' (a value
 * may hold '":' too, which only makes the bound larger). Whitespace before a ':'
 * (pretty-printed JSON) gives up on the bound.
 */
function keyEnds(json: string): number {
  let n = 0;
  for (let i = json.indexOf(":"); i !== -1; i = json.indexOf(":", i + 1)) {
    const before = json.charCodeAt(i - 1);
    if (before === 0x22) n++;
    else if (before === 0x20 || before === 0x09 || before === 0x0a || before === 0x0d) return Number.POSITIVE_INFINITY;
  }
  return n;
}

/** Whether two keys of an object differ only in case: through a set, linear. */
function folds(keys: string[]): boolean {
  return new Set(keys.map((k) => k.toLowerCase())).size < keys.length;
}

/** Total keys of every object in a parsed value, and whether two differ only in case. */
function countKeys(value: unknown, seen: { keys: number; caseFolded: boolean }): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const v of value) countKeys(v, seen);
    return;
  }
  const object = value as Record<string, unknown>;
  // Keys that differ only in case have one length: a bit per length (up to 30) tells,
  // with no allocation, whether any two could (a ticket's keys all differ in length).
  let lengths = 0;
  let maybe = false;
  for (const k in object) {
    seen.keys++;
    const bit = k.length < 31 ? 1 << k.length : 0;
    if (bit === 0 || (lengths & bit) !== 0) maybe = true;
    lengths |= bit;
    countKeys(object[k], seen);
  }
  if (maybe && !seen.caseFolded && folds(Object.keys(object))) seen.caseFolded = true;
}

/**
 * The keys held more than once in `json`, a text `JSON.parse` read as `parsed`. Cheap when
 * there are none (the common case): the text is walked only when the parsed value has
 * fewer keys than the text names, or two keys that differ only in case.
 */
export function duplicateKeys(json: string, parsed: unknown): DuplicateKey[] {
  const seen = { keys: 0, caseFolded: false };
  countKeys(parsed, seen);
  if (!seen.caseFolded && keyEnds(json) <= seen.keys) return [];
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
