import { describe, expect, it } from "vitest";
import { LoginQueue } from "../../src/server/login-queue.js";

/** A check the test ends by hand, named by its address and number. */
function held() {
  const started: string[] = [];
  const ends: (() => void)[] = [];
  const check = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      ends.push(() => resolve(name));
    });
  const endOldest = async () => {
    ends.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, check, endOldest };
}

describe("password checks queued per address", () => {
  it("runs at most `atOnce` checks, and serves the address whose last check started longest ago", async () => {
    const queue = new LoginQueue(2, 8);
    const { started, check, endOldest } = held();
    for (let i = 0; i < 6; i++) queue.run("a", check(`a${i}`));
    queue.run("b", check("b0"));
    queue.run("b", check("b1"));
    queue.run("c", check("c0"));
    expect(started).toEqual(["a0", "a1"]);
    for (let i = 0; i < 7; i++) await endOldest();
    expect(started).toEqual(["a0", "a1", "b0", "c0", "a2", "b1", "a3", "a4", "a5"]);
  });

  it("refuses, without running it, a check past an address's `perAddress`; a finished one frees a place", async () => {
    const queue = new LoginQueue(1, 2);
    const { started, check, endOldest } = held();
    expect(queue.run("a", check("a0"))).not.toBeNull();
    expect(queue.run("a", check("a1"))).not.toBeNull();
    expect(queue.run("a", check("a2"))).toBeNull();
    expect(queue.run("b", check("b0"))).not.toBeNull();
    expect(queue.held("a")).toBe(2);
    await endOldest();
    expect(queue.held("a")).toBe(1);
    expect(queue.run("a", check("a3"))).not.toBeNull();
    for (let i = 0; i < 3; i++) await endOldest();
    expect(started).toEqual(["a0", "b0", "a1", "a3"]);
    expect(queue.held("a")).toBe(0);
  });

  it("a check that throws or rejects frees its place and passes its error on", async () => {
    const queue = new LoginQueue(1, 1);
    await expect(
      queue.run("a", () => {
        throw new TypeError("a bug");
      }),
    ).rejects.toThrow("a bug");
    await expect(queue.run("a", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    await expect(queue.run("a", async () => "ok")).resolves.toBe("ok");
    expect(queue.held("a")).toBe(0);
  });
});
