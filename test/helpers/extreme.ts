/**
 * Credentials whose times lie far outside what a date can hold, signed properly: a user
 * ticket whose `expiresIn` is 8.64e12 seconds and a registration token whose `iat` is 9e12.
 */
import { createHmac } from "node:crypto";

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export function farUserTicket(key: string, secret: string): string {
  const json = Buffer.from(
    JSON.stringify({
      identity: { type: "username", endpoint: "alice" },
      applicationKey: key,
      created: "2026-12-01T12:00:00Z",
      expiresIn: 8.64e12,
    }),
  );
  const signature = createHmac("sha256", Buffer.from(secret, "base64")).update(json).digest("base64");
  return `${json.toString("base64")}:${signature}`;
}

export function farRegistrationToken(key: string, secret: string): string {
  const header = b64url(JSON.stringify({ alg: "HS256", kid: "hkdfv1-20261201" }));
  const claims = b64url(
    JSON.stringify({
      exp: 9e12 + 600,
      iat: 9e12,
      iss: `//rtc.sinch.com/applications/${key}`,
      nonce: "n-1",
      sub: `//rtc.sinch.com/applications/${key}/users/alice`,
    }),
  );
  const signingKey = createHmac("sha256", Buffer.from(secret, "base64")).update("20261201").digest();
  const signature = createHmac("sha256", signingKey).update(`${header}.${claims}`).digest("base64url");
  return `${header}.${claims}.${signature}`;
}
