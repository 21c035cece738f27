import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The shared known-answer examples (`../shared/spec/vectors.json`). */
export interface UserTicketVector {
  name: string;
  layout: "dotnet" | "js" | "sinch-issued";
  applicationKey: string;
  applicationSecret: string | null;
  identity?: { type: string; endpoint: string };
  created?: string;
  expiresIn?: number;
  json: string;
  userTicket: string;
}

export interface WrongVector {
  name: string;
  mistake: string;
  applicationSecret?: string;
  userTicket: string;
}

export interface TokenVector {
  name: string;
  applicationKey: string;
  applicationSecret: string;
  userId: string;
  now: string;
  nonce: string;
  ttlSeconds: number;
  instanceExpiresAt: number | null;
  kid: string;
  signingKey: string;
  token: string;
}

export interface Vectors {
  userTickets: UserTicketVector[];
  malformedOrWrong: WrongVector[];
  registrationTokens: TokenVector[];
}

const candidates = ["../../../shared/spec/vectors.json", "../fixtures/vectors.json"];

function load(): Vectors {
  for (const rel of candidates) {
    try {
      return JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8")) as Vectors;
    } catch {
      // try the next location
    }
  }
  throw new Error("vectors.json not found");
}

export const vectors: Vectors = load();
