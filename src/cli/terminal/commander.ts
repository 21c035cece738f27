import type * as typed from "@commander-js/extra-typings";
import * as commander from "commander";

// commander parses every command line. @commander-js/extra-typings adds only types (its
// classes are commander's own), so the classes come from commander and the types from it.
export const Command: typeof typed.Command = commander.Command as never;
export const Option: typeof typed.Option = commander.Option as never;
export const Argument: typeof typed.Argument = commander.Argument as never;
export const CommanderError: typeof typed.CommanderError = commander.CommanderError as never;
export const InvalidArgumentError: typeof typed.InvalidArgumentError = commander.InvalidArgumentError as never;
