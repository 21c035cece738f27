/**
 * Users from an Apache htpasswd file with bcrypt entries (`htpasswd -B`: `$2y$`, `$2b$`,
 * `$2a$`). Any other scheme (MD5 `$apr1$`, `{SHA}`, crypt, plain) is refused with its line
 * number. Messages never quote a hash.
 */
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

export interface Users {
  hashes: Map<string, string>;
  /** The highest bcrypt cost in the file: unknown users are made to wait as long. */
  cost: number;
  /**
   * Users hashed at a lower cost than the highest, in file order: their logins answer
   * faster than an unknown name's, so timing tells that they exist. Re-hash them.
   */
  weaker: { user: string; cost: number }[];
}

export class HtpasswdError extends Error {
  override name = "HtpasswdError";
}

function scheme(hash: string): string {
  if (hash.startsWith("$apr1$")) return "MD5 ($apr1$, htpasswd -m)";
  if (hash.startsWith("{SHA}")) return "SHA-1 ({SHA}, htpasswd -s)";
  if (/^\$[156]\$/.test(hash)) return "crypt(3) with MD5 or SHA-2";
  if (hash.startsWith("$2")) return "malformed bcrypt";
  return "crypt or plain text";
}

export function parseHtpasswd(text: string, file: string): Users {
  const hashes = new Map<string, string>();
  const costs: { user: string; cost: number }[] = [];
  let cost = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${file} line ${index + 1}`;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HtpasswdError(`${where}: not 'user:hash'`);
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    const bcrypt = BCRYPT.exec(hash);
    if (!bcrypt) {
      throw new HtpasswdError(
        `${where}: user '${user}' has a ${scheme(hash)} entry; only bcrypt is accepted (create it with htpasswd -B)`,
      );
    }
    if (hashes.has(user)) throw new HtpasswdError(`${where}: user '${user}' appears twice`);
    hashes.set(user, hash);
    costs.push({ user, cost: Number(bcrypt[1]) });
    cost = Math.max(cost, Number(bcrypt[1]));
  });
  if (hashes.size === 0) throw new HtpasswdError(`${file} has no users`);
  return { hashes, cost, weaker: costs.filter((c) => c.cost < cost) };
}
