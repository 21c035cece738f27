/**
 * Sinch's JS SDK (npm sinch-rtc 1.4.12) takes our tickets: `start({userTicket})` parses the
 * identity and sends `Authorization: user <ticket>` to create an instance. Run offline: the
 * SDK's HTTP client is replaced and its requests are captured.
 */
import { describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { loadSinchSdk } from "../helpers/sinch-sdk.js";
import { until } from "../helpers/wait.js";

async function startWith(userTicket: string) {
  const { Sinch, requests } = loadSinchSdk("2026-11-28T12:00:00.000Z");
  const client = new Sinch({ applicationKey: KEY, capabilities: { messaging: true } });
  void client.start({ userTicket }).catch(() => {});
  await until(() => requests.some((r) => r.method === "POST"), "the SDK's POST", 5);
  return { client, requests };
}

describe("Sinch JS SDK 1.4.12", () => {
  for (const style of ["dotnet", "js"] as const) {
    it(`starts with a ${style} ticket and sends it as Authorization: user <ticket>`, async () => {
      const ticket = createTicket({
        applicationKey: KEY,
        applicationSecret: SECRET,
        identity: { endpoint: "alice" },
        style,
      });
      const { client, requests } = await startWith(ticket.userTicket);
      expect(client.user.userId).toBe("alice");
      const instance = requests.find((r) => r.method === "POST");
      expect(instance?.url).toBe("https://api.sinch.com/v1/instance");
      expect(instance?.headers.Authorization).toBe(`user ${ticket.userTicket}`);
    });
  }

  it("reads a non-ASCII endpoint as Latin-1 (the garbling decode warns about)", async () => {
    const ticket = createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "Zoë" } });
    const { client } = await startWith(ticket.userTicket);
    expect(client.user.userId).toBe(Buffer.from("Zoë", "utf8").toString("latin1"));
  });
});
