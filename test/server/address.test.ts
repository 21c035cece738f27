import { describe, expect, it } from "vitest";
import { addressKey } from "../../src/server/address.js";

describe("the address a client is counted by", () => {
  it("is an IPv4 address as it is, an IPv4-mapped one as its IPv4 address", () => {
    expect(addressKey("127.0.0.1")).toBe("127.0.0.1");
    expect(addressKey("::ffff:10.1.2.3")).toBe("10.1.2.3");
  });

  it("is an IPv6 address's /64, however it is written", () => {
    const same = [
      "2001:db8:1:2::1",
      "2001:db8:1:2:ffff:ffff:ffff:ffff",
      "2001:0db8:0001:0002:0:0:0:9",
      "2001:DB8:1:2::a%eth0",
      "2001:db8:1:2::1.2.3.4",
    ];
    expect(new Set(same.map(addressKey))).toEqual(new Set(["2001:db8:1:2::/64"]));
    expect(addressKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1")).toBe("fe80:0:0:0::/64");
    expect(addressKey("2001:db8::")).toBe("2001:db8:0:0::/64");
  });
});
