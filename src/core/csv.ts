/**
 * One CSV record per line (RFC 4180 quoting, no line breaks inside fields): batch input is
 * one identity per line, so a record never spans lines.
 */
export function parseCsvLine(line: string): string[] | { error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) return { error: "a quoted field is not closed" };
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ",") return { error: `unexpected text after a quoted field at character ${i + 1}` };
      i++;
    } else {
      const comma = line.indexOf(",", i);
      const end = comma === -1 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"'))
        return { error: `a quote inside an unquoted field at character ${i + value.indexOf('"') + 1}` };
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

/** A CSV field, quoted only when it has to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}
