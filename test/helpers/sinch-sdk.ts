/**
 * Loads Sinch's own JS SDK (npm sinch-rtc 1.4.12, Node build) offline, so a test can hand it
 * a ticket and see what it parses and what it would send. Stand-ins replace the native
 * `wrtc` module, the old `pubnub` (throws at load on current Node) and the HTTP client.
 */

import { readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";

export interface CapturedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

interface Loader {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _nodeModulePaths(dir: string): string[];
}

export function loadSinchSdk(serverTime: string) {
  const requests: CapturedRequest[] = [];

  class FakeXMLHttpRequest {
    status = 0;
    responseText = "";
    response = "";
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    private request: CapturedRequest = { method: "", url: "", headers: {}, body: undefined };
    open(method: string, url: string) {
      this.request = { method, url, headers: {}, body: undefined };
    }
    setRequestHeader(name: string, value: string) {
      this.request.headers[name] = value;
    }
    send(body?: string) {
      this.request.body = body;
      requests.push(this.request);
      if (this.request.url.includes("/timestamp")) {
        setImmediate(() => {
          this.status = 200;
          this.responseText = JSON.stringify({ timestamp: serverTime });
          this.onload?.();
        });
      }
      // Any other request (the instance POST) is captured and left unanswered.
    }
  }

  const require = createRequire(import.meta.url);
  const file = require.resolve("sinch-rtc/lib/sinch.node.min.js");
  const loader = Module as unknown as Loader;
  const originalLoad = loader._load;
  const stubs: Record<string, unknown> = {
    wrtc: {},
    pubnub: { init: () => () => ({ subscribe() {}, unsubscribe() {}, publish() {}, history() {} }) },
    xmlhttprequest: { XMLHttpRequest: FakeXMLHttpRequest },
  };
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    if (Object.hasOwn(stubs, request)) return stubs[request];
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    const original = "navigator=navigator||{";
    let source = readFileSync(file, "utf8");
    if (!source.includes(original)) throw new Error("sinch-rtc source changed: navigator fallback not found");
    source = source.replace(
      original,
      'navigator={userAgent:"Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36",vendor:"Google Inc.",platform:"Linux",appName:"Netscape",appVersion:"5.0",mediaDevices:{getUserMedia:function(){return!1}}}||{',
    );
    const mod = new (
      Module as unknown as new (
        id: string,
      ) => { filename: string; paths: string[]; exports: unknown; _compile(src: string, file: string): void }
    )(file);
    mod.filename = file;
    mod.paths = loader._nodeModulePaths(dirname(file));
    mod._compile(source, file);
    const Sinch = mod.exports as new (
      config: Record<string, unknown>,
    ) => {
      start(login: { userTicket: string }): Promise<unknown>;
      user: { userId: string };
    };
    return { Sinch, requests };
  } finally {
    loader._load = originalLoad;
  }
}
