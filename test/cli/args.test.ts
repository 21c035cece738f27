import { describe, expect, it } from "vitest";
import { type CommandSpec, commandHelp, parseCommand } from "../../src/cli/args.js";
import { ExitError } from "../../src/cli/terminal/exit.js";

const spec: CommandSpec<never> = {
  name: "sign",
  summary: "Sign.",
  args: [{ name: "endpoint", description: "who" }],
  options: [
    { name: "type", short: "t", value: "<type>", description: "type" },
    { name: "created", value: "<time>", description: "time" },
    { name: "clock-skew", value: "<duration>", description: "skew", default: "5m" },
    { name: "json", description: "json" },
    { name: "no-input", description: "never prompt" },
  ],
  run: async () => 0,
};

describe("parseCommand", () => {
  it.each([
    [["alice"], ["alice"], { clockSkew: "5m" }],
    [["-t", "email", "a@b.co"], ["a@b.co"], { type: "email" }],
    [["-temail", "a@b.co"], ["a@b.co"], { type: "email" }],
    [["--type=number", "+4670"], ["+4670"], { type: "number" }],
    [["--created", "-2h", "alice"], ["alice"], { created: "-2h" }],
    [["alice", "--created", "+30m"], ["alice"], { created: "+30m" }],
    [["--clock-skew", "1m"], [], { clockSkew: "1m" }],
    [["--json", "--no-input", "alice"], ["alice"], { json: true, input: false }],
    [["--no-color", "alice"], ["alice"], { color: false }],
    [["--", "--not-an-option"], ["--not-an-option"], {}],
    [["-t", "username", "-t", "email", "x"], ["x"], { type: "email" }],
  ])("%j", (argv, args, flags) => {
    const parsed = parseCommand(spec, argv);
    expect(parsed.args).toEqual(args);
    expect(parsed.flags).toMatchObject(flags);
    expect(parsed.help).toBe(false);
  });

  it.each([
    [["--bogus"], "unknown option '--bogus' for 'sign'"],
    [["--tpye", "x"], "unknown option '--tpye' for 'sign' (did you mean --type?)"],
    [["--type"], "option '--type' needs a value"],
    [["--json=yes"], "option '--json' does not take a value"],
    [["a", "b"], "too many arguments for 'sign': expected at most 1, got 2"],
    [["--bogus=s3cr3t"], "unknown option '--bogus' for 'sign'"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCommand(spec, argv)).toThrow(ExitError);
    expect(() => parseCommand(spec, argv)).toThrow(message);
  });

  it("asks for help without checking arguments", () => {
    expect(parseCommand(spec, ["a", "b", "--help"]).help).toBe(true);
  });

  it("renders help from the same table", () => {
    const help = commandHelp(spec, "sinch-ticket");
    expect(help).toContain("Usage: sinch-ticket sign [options] [endpoint]");
    expect(help).toContain("  -t, --type <type>");
    expect(help).toContain("--clock-skew <duration>  skew (default: 5m)");
  });
});
