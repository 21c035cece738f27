// A ticket generator as browser pages write it: the JSON's characters taken one byte each
// with charCodeAt for the HMAC (Web Crypto), and btoa for the data. Both sides are Latin-1:
// the signature matches, but the data is not UTF-8 for a non-ASCII endpoint, so Sinch
// reads another endpoint than the one signed. Runs the same in Node (btoa, crypto.subtle).
// Usage: node browser-btoa.mjs KEY SECRET CREATED_ISO ENDPOINT...
const [key, secret, created, ...endpoints] = process.argv.slice(2);
const bytesOf = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const hmacKey = await crypto.subtle.importKey("raw", bytesOf(atob(secret)), { name: "HMAC", hash: "SHA-256" }, false, [
  "sign",
]);
for (const username of endpoints) {
  const json = JSON.stringify({
    applicationKey: key,
    identity: { type: "username", endpoint: username },
    created: new Date(created).toISOString(),
    expiresIn: 3600,
  });
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, bytesOf(json)));
  console.log(`${btoa(json)}:${btoa(String.fromCharCode(...mac))}`);
}
