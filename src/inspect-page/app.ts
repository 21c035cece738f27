// The inspect page: sends what is pasted to the local API, shows the answer. No secret
// ever reaches it; every value from the answer goes in through textContent.

import { describeFromNow, describeSpan } from "../core/describe.js";
import type {
  InspectAnswer,
  RequestAnswer,
  Segment,
  TicketAnswer,
  TimeLine,
  VerdictJson,
} from "../core/inspect-api.js";
import { NO_KNOWN_MISTAKE, type Subject, verdictPhrase } from "../core/verdict-words.js";

type Answer = InspectAnswer;
interface Profiles {
  started: { applicationKey: string | null; key: string | null; secret: string | null } | null;
  profiles: { name: string; applicationKey: string | null; secretStore: string | null }[];
}

const token = new URLSearchParams(location.search).get("token") ?? "";
// A token in the address is kept in the page only: out of the address bar, the history
// and any screenshot. Opened by the hand-over (a POST), the page replaces its entry all
// the same: the browser then keeps no POST data for it (Chromium's session files would
// hold the token otherwise), and a reload is a GET that the cookie carries.
{
  const address = new URL(location.href);
  address.searchParams.delete("token");
  history.replaceState(history.state, "", address);
}
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLTextAreaElement>("ticket");
const profile = $<HTMLSelectElement>("profile");
const button = $<HTMLButtonElement>("verify");
const verdict = $("verdict");
const SVG = "http://www.w3.org/2000/svg";

/** "Bad signature (application-signed request)": the terminal's words, capitalised. */
function verdictWords(code: VerdictJson["code"], subject: Subject): string {
  const words = verdictPhrase(code, subject);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    // Opened by the hand-over, the page has no token of its own: its cookie goes along.
    headers: {
      ...(token === "" ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    cache: "no-store",
  });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json as T;
}

let profileKeys = new Map<string, string | null>();
let chosenByHand = false;
let lastKey: string | null = null;
/** The text the profile choice was last made for. */
let followedText: string | null = null;

async function loadProfiles(): Promise<void> {
  const embedded = document.body.dataset.profiles;
  const { started, profiles } = embedded ? (JSON.parse(embedded) as Profiles) : await api<Profiles>("/api/profiles");
  profile.replaceChildren();
  profileKeys = new Map();
  if (started) {
    const option = el(
      "option",
      `the command's credentials${started.applicationKey ? ` (key ${started.applicationKey})` : ""}`,
    );
    option.value = "";
    profile.append(option);
    profileKeys.set("", started.applicationKey);
  }
  for (const p of profiles) {
    const where = p.secretStore === "keychain" ? ", keychain" : p.secretStore === null ? ", no secret" : "";
    const option = el("option", `${p.name}${p.applicationKey ? ` (key ${p.applicationKey}${where})` : ""}`);
    option.value = `profile:${p.name}`;
    option.disabled = p.secretStore === null;
    profile.append(option);
    profileKeys.set(option.value, p.applicationKey);
  }
  if (profile.options.length === 0) {
    const option = el("option", "no credentials: run inspect with a profile or a key and secret");
    option.value = "-";
    profile.append(option);
    button.disabled = true;
  }
}

/** The profile whose key is the ticket's, as `verify` would choose it. */
function preselect(applicationKey: string | null): void {
  if (chosenByHand || applicationKey === null) return;
  const current = profileKeys.get(profile.value);
  if (current === applicationKey) return;
  for (const [value, key] of profileKeys) {
    if (key === applicationKey) {
      profile.value = value;
      return;
    }
  }
}

function renderSegments(segments: Segment[]): void {
  const target = $("segments");
  const legend = $("legend");
  target.replaceChildren();
  legend.replaceChildren();
  const seen = new Map<string, string>();
  for (const s of segments) {
    const span = el("span", undefined, `p-${s.part}`);
    if (s.mark) {
      const mark = el("mark", s.text === " " ? "\u2423" : s.text === "\n" || s.text === "\r\n" ? "\u21b5\n" : s.text);
      if (s.text.trim() === "") mark.classList.add("ws");
      mark.title = s.mark.label + (s.mark.mistake ? ` (${s.mark.mistake})` : "");
      mark.setAttribute("aria-label", mark.title);
      span.append(mark);
      seen.set(s.mark.label, s.mark.mistake ?? "");
    } else {
      span.textContent = s.text;
    }
    target.append(span);
  }
  if (segments.length === 0) return;
  const jwt = segments.some((s) => s.part === "claims");
  const item = (swatch: string, text: string) => {
    const li = el("li");
    li.append(el("span", "", `swatch ${swatch}`), document.createTextNode(text));
    legend.append(li);
  };
  item("sw-data", jwt ? "header and claims" : "ticket data (base64 JSON)");
  item("sw-sig", "signature");
  for (const [label, mistake] of seen) item("sw-mark", `${label}${mistake ? ` (${mistake})` : ""}`);
}

function renderMessages(notes: string[], warnings: string[], error?: string): void {
  const list = $("messages");
  list.replaceChildren();
  if (error) list.append(el("li", error, "error"));
  for (const n of notes) list.append(el("li", n, "note"));
  for (const w of warnings) list.append(el("li", w, "warn"));
}

function renderRows(rows: [string, string][]): void {
  const dl = $("rows");
  dl.replaceChildren();
  for (const [label, value] of rows) dl.append(el("dt", label), el("dd", value));
}

// The command line's own rounding, so that the page and the terminal say the same.
const span = describeSpan;
const relative = describeFromNow;

/** The time line, to scale: the skew window after now, the valid span, each instant. */
function renderTime(time: TimeLine | null): void {
  const svg = $("timeline-marks") as unknown as SVGGElement;
  const caption = $("time-caption");
  svg.replaceChildren();
  caption.textContent = "";
  if (!time || time.issued === null) return;
  const skew = time.clockSkewSeconds * 1000;
  const points = [time.now, time.now + skew, time.issued, time.expires, time.instanceExpires].filter(
    (p): p is number => p !== null,
  );
  let lo = Math.min(...points);
  let hi = Math.max(...points);
  const pad = Math.max((hi - lo) * 0.08, 60_000);
  lo -= pad;
  hi += pad;
  const x = (t: number) => 20 + ((t - lo) / (hi - lo)) * 600;
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  if (time.expires !== null) {
    add("rect", {
      class: "valid",
      x: x(time.issued),
      y: 40,
      width: Math.max(1, x(time.expires) - x(time.issued)),
      height: 30,
    });
  }
  add("rect", {
    class: "skew",
    x: x(time.now),
    y: 40,
    width: Math.max(1, x(time.now + skew) - x(time.now)),
    height: 30,
  });
  add("text", { x: x(time.now) + 3, y: 82 }, `+${span(skew)} skew`);
  add("line", { class: "axis", x1: 20, y1: 70, x2: 620, y2: 70 });
  const instant = (t: number, label: string, row: number, cls = "tick") => {
    add("line", { class: cls, x1: x(t), y1: 34, x2: x(t), y2: 76 });
    const anchor = x(t) > 520 ? "end" : x(t) < 120 ? "start" : "middle";
    add("text", { x: x(t), y: row, "text-anchor": anchor, class: cls === "now" ? "now-label" : "" }, label);
  };
  instant(time.issued, time.issuedLabel, 26);
  if (time.expires !== null) instant(time.expires, time.expiresLabel, 100);
  if (time.instanceExpires !== null) instant(time.instanceExpires, "instance exp", 114);
  instant(time.now, "now", 14, "now");

  const words = [
    `${time.issuedLabel} ${new Date(time.issued).toISOString()} (${relative(time.issued, time.now)})`,
    time.expires === null
      ? `no ${time.expiresLabel}: the ticket does not expire by itself`
      : `${time.expiresLabel} ${new Date(time.expires).toISOString()} (${relative(time.expires, time.now)})`,
    ...(time.instanceExpires === null
      ? []
      : [
          `instance expiry ${new Date(time.instanceExpires).toISOString()} (${relative(time.instanceExpires, time.now)})`,
        ]),
    `now ${new Date(time.now).toISOString()}; ${time.issuedLabel} may be up to ${span(skew)} ahead of now (clock skew)`,
  ];
  caption.textContent = `${words.join("; ")}.`;
}

function renderVerdict(answer: Answer | null, message?: string): void {
  verdict.replaceChildren();
  if (message) {
    verdict.append(el("p", message, "muted"));
    return;
  }
  const v: VerdictJson | null = answer ? (answer.kind === "request" ? answer.request : answer.verify) : null;
  if (!answer || !v) {
    const why = answer?.kind === "request" ? answer.error : (answer?.decode.verifyError as string | undefined);
    const fallback = answer?.kind === "request" ? null : answer?.decode.error;
    verdict.append(el("p", why ?? fallback ?? "No credentials to verify with: choose a profile.", "error"));
    return;
  }
  const subject: Subject =
    answer.kind === "request"
      ? (answer.request?.scheme ?? "request")
      : answer.verify?.format === "jwt"
        ? "jwt"
        : "ticket";
  verdict.append(
    el("p", `${v.valid ? "✓" : "✗"} ${verdictWords(v.code, subject)}`, `verdict ${v.valid ? "ok" : "fail"}`),
  );
  const list = el("ul", undefined, "checks");
  for (const check of v.checks) {
    const li = el("li");
    const sign = check.ok === true ? ["✓", "ok"] : check.ok === false ? ["✗", "fail"] : ["–", "skip"];
    li.append(
      el("span", `${sign[0]} `, sign[1]),
      el("span", check.name, "name"),
      document.createTextNode(check.detail),
    );
    for (const d of answer.view.causes) {
      if (d.check === check.name) li.append(el("p", `cause (${d.mistake}): ${d.detail}`, "cause"));
    }
    list.append(li);
  }
  verdict.append(list);
  const timeOnly = v.code === "expired" || v.code === "not_yet_valid";
  if (!v.valid && v.diagnosis.length === 0 && !timeOnly) verdict.append(el("p", NO_KNOWN_MISTAKE, "muted"));
}

/** A request: its parts, and what was signed line by line with invisible characters drawn. */
function renderRequest(answer: RequestAnswer): void {
  $("read-title").textContent = "Request as read";
  $("decoded-title").textContent = "What was signed";
  renderSegments([]);
  const target = $("segments");
  const dl = $("rows");
  dl.replaceChildren();
  for (const [label, value] of answer.view.rows) target.append(el("span", `${label}: ${value}\n`, "p-data"));
  if (answer.view.signed.length === 0) {
    dl.append(el("dt", "string to sign"), el("dd", answer.request ? "none" : "shown once verified"));
  }
  for (const [n, line] of answer.view.signed.entries()) {
    dl.append(el("dt", `${n + 1} ${line.name}`), el("dd", line.text === "" ? "(empty)" : line.text, "signed"));
  }
  renderMessages(answer.request?.notes ?? [], answer.request?.warnings ?? [], answer.error ?? undefined);
  renderTime(null);
  $("json").textContent = JSON.stringify(answer.request, null, 2);
}

function render(answer: Answer): void {
  if (answer.kind === "request") {
    renderRequest(answer);
    return;
  }
  $("read-title").textContent = "Ticket as read";
  $("decoded-title").textContent = "Decoded";
  const notes = [...(answer.decode.notes ?? []), ...(answer.verify?.notes ?? [])];
  const warnings = [...new Set([...(answer.decode.warnings ?? []), ...(answer.verify?.warnings ?? [])])];
  renderSegments(answer.view.segments);
  renderMessages([...new Set(notes)], warnings, answer.decode.error);
  renderRows(answer.view.rows);
  renderTime(answer.view.time);
  $("json").textContent = JSON.stringify({ decode: answer.decode, verify: answer.verify }, null, 2);
}

/** The profile follows the ticket's application, as verify chooses it, unless chosen by hand. */
function follow(text: string, applicationKey: string | null): void {
  if (applicationKey !== lastKey) {
    // Another application's ticket: its own profile is chosen again.
    chosenByHand = false;
    lastKey = applicationKey;
  }
  preselect(applicationKey);
  followedText = text;
}

let sequence = 0;
async function run(verify: boolean): Promise<void> {
  const mine = ++sequence;
  const text = input.value;
  if (text.trim() === "") {
    const empty: TicketAnswer = {
      kind: null,
      decode: {},
      verify: null,
      view: { format: null, segments: [], rows: [], time: null, applicationKey: null, causes: [] },
    };
    render(empty);
    renderVerdict(null, "Paste a ticket, token or signed request, then verify it.");
    return;
  }
  try {
    if (verify && followedText !== text) {
      // Verify came before this text was decoded (within the pause after typing, or with
      // the decode still on its way): the profile is chosen for this ticket first, shown,
      // and then used, never the one chosen for the text before.
      const decoded = await api<Answer>("/api/inspect", { text, profile: null, verify: false });
      if (mine !== sequence) return;
      follow(text, decoded.view.applicationKey);
    }
    const selected = profile.value;
    const answer = await api<Answer>("/api/inspect", {
      text,
      profile: selected.startsWith("profile:") ? selected.slice(8) : null,
      verify,
    });
    if (mine !== sequence) return;
    if (!verify) follow(text, answer.view.applicationKey);
    render(answer);
    if (verify) renderVerdict(answer);
    else if (answer.kind === "request")
      renderVerdict(null, "A signed request. Press Verify (or Ctrl+Enter) to check it.");
    else
      renderVerdict(
        null,
        answer.decode.error ? answer.decode.error : "Decoded. Press Verify (or Ctrl+Enter) to check it.",
      );
  } catch (error) {
    if (mine === sequence) renderVerdict(null, `error: ${(error as Error).message}`);
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => void run(false), 150);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    clearTimeout(timer);
    void run(true);
  }
});
profile.addEventListener("change", () => {
  chosenByHand = true;
});
button.addEventListener("click", () => {
  clearTimeout(timer);
  void run(true);
});

loadProfiles().then(
  () => {
    document.body.dataset.ready = "true";
    performance.mark("inspect-ready");
    if (input.value.trim() !== "") void run(false);
  },
  (error: Error) => renderVerdict(null, `error: ${error.message}`),
);
