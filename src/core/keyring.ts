/**
 * Which credentials check a ticket, token or request: the one function every entry point
 * (verify, each line of verify --batch, request verify, callback listen, inspect) asks.
 * Plain data, so that it crosses to worker threads as it is.
 */
import type { VerifyCode } from "./checks.js";

/** A key and secret that belong together, and the profile they came from (null: no profile). */
export interface Candidate {
  profile: string | null;
  key: string | null;
  secret: string;
}

/** A profile holding an application key whose secret could not be read, and why. */
export interface Unreadable {
  profile: string;
  key: string;
  reason: string;
}

/**
 * What the credential sources give, before anything is read: one fixed set of candidates
 * (flags, the environment, `.env`, a named profile, `--demo`; several when `--key` names a
 * key that several profiles hold), or the config file's profiles to choose from by key.
 */
export interface Keyring {
  /** Tried for every input, in order; null when the input's key chooses among `profiles`. */
  fixed: Candidate[] | null;
  /** Every profile with a key and a readable secret, in the file's order. */
  profiles: (Candidate & { profile: string })[];
  /** Profiles with a key whose secret could not be read. */
  unreadable: Unreadable[];
  /** The default profile's name (the answer when no profile holds the key, or none matched). */
  defaultProfile: string | null;
  /** Every profile name in the config file, for saying which there are. */
  names: string[];
}

/** The candidates for an input naming `applicationKey` (null: the input names none). */
export interface Choice {
  candidates: Candidate[];
  /** Why no candidate could be had, when there is none. */
  problem: string | null;
  /** Said before the answer: what was chosen, and why. */
  notes: string[];
  /** The candidates are the profiles holding the input's key (chosen by it). */
  byKey: boolean;
}

const names = (list: readonly string[]) => list.map((n) => `'${n}'`).join(", ");

/** The candidates to try for an input of `applicationKey`, the default among them first. */
export function chooseCandidates(keyring: Keyring, applicationKey: string | null): Choice {
  if (keyring.fixed !== null) return { candidates: keyring.fixed, problem: null, notes: [], byKey: false };
  const byDefault = (a: { profile: string }, b: { profile: string }) =>
    Number(b.profile === keyring.defaultProfile) - Number(a.profile === keyring.defaultProfile);
  const fallback = keyring.profiles.find((p) => p.profile === keyring.defaultProfile) ?? null;
  if (applicationKey === null) {
    return fallback
      ? { candidates: [fallback], problem: null, notes: [], byKey: false }
      : { candidates: [], problem: noDefault(keyring), notes: [], byKey: false };
  }
  const holding = keyring.profiles.filter((p) => p.key === applicationKey).sort(byDefault);
  const unreadable = keyring.unreadable.filter((u) => u.key === applicationKey);
  const notes = unreadable.map((u) => `profile '${u.profile}' holds this application key, but ${u.reason}`);
  if (holding.length > 0) {
    // The default profile's own inputs need no word on the choice.
    const byKey = !(holding.length === 1 && holding[0]?.profile === keyring.defaultProfile);
    return { candidates: holding, problem: null, notes, byKey };
  }
  if (unreadable.length > 0) {
    return { candidates: [], problem: notes.join("; "), notes: [], byKey: true };
  }
  const there = keyring.names.length === 0 ? "there are no profiles" : `the profiles are ${names(keyring.names)}`;
  if (!fallback) {
    return {
      candidates: [],
      problem: `no profile holds application key '${applicationKey}' (${there})`,
      notes: [],
      byKey: false,
    };
  }
  return {
    candidates: [fallback],
    problem: null,
    byKey: false,
    notes: [
      `no profile holds application key '${applicationKey}' (${there}): checked with profile '${fallback.profile}'`,
    ],
  };
}

function noDefault(keyring: Keyring): string {
  return keyring.names.length === 0
    ? "no credentials: the config file has no profiles"
    : `profile '${keyring.defaultProfile ?? "default"}' has no application key and secret (the profiles are ${names(keyring.names)})`;
}

/** A verdict of any scheme: what choosing between candidates needs to know of it. */
export interface Judged {
  valid: boolean;
  code: VerifyCode;
}

/**
 * Judges with each candidate in turn until one's secret matches (any answer but a bad
 * signature): the answer names the profile whose secret matched, or, when none did, is
 * the first candidate's (the default among them) and says which profiles were compared.
 * At most one judgement per candidate.
 */
export function judgeWithCandidates<R extends Judged>(
  choice: Choice,
  run: (candidate: Candidate) => R,
  what = "ticket",
): { result: R; candidate: Candidate; notes: string[] } | null {
  const [first] = choice.candidates;
  if (first === undefined) return null;
  const profiles = choice.candidates.map((c) => c.profile).filter((p): p is string => p !== null);
  let firstResult: R | null = null;
  for (const candidate of choice.candidates) {
    const result = run(candidate);
    firstResult ??= result;
    if (result.code === "bad_signature") continue;
    const notes = [...choice.notes];
    if (candidate.profile !== null && profiles.length > 1) {
      notes.push(`profile '${candidate.profile}''s secret matched (profiles holding this key: ${names(profiles)})`);
    } else if (candidate.profile !== null && choice.byKey) {
      notes.push(`using profile '${candidate.profile}': its application key is the ${what}'s`);
    }
    return { result, candidate, notes };
  }
  const notes = [...choice.notes];
  if (profiles.length > 1) {
    notes.push(`no profile's secret matched: compared ${names(profiles)}; the answer is profile '${first.profile}''s`);
  } else if (first.profile !== null && choice.byKey) {
    notes.push(`using profile '${first.profile}': its application key is the ${what}'s`);
  }
  return { result: firstResult as R, candidate: first, notes };
}
