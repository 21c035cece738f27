import { describe, examine } from "../../../core/judge.js";
import type { CommandContext } from "../../terminal/context.js";
import { printJson } from "../../terminal/context.js";
import { ExitCode, ExitError } from "../../terminal/exit.js";
import { readTicketArgument } from "../../terminal/ticket-input.js";
import { decodedJson, decodedRows, printRows } from "../../views/decoded.js";
import type { DecodeFlags } from "./options.js";

export async function decode(ticketArg: string | undefined, flags: DecodeFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const examined = examine(await readTicketArgument(ticketArg, io, false));
  const now = io.now();
  const { decoded, error } = describe(examined, now);
  if (!decoded) {
    const what = examined.format === "jwt" ? "registration token" : "ticket";
    throw new ExitError(ExitCode.malformed, `malformed ${what}: ${error}`);
  }
  for (const note of decoded.notes) ui.note(note);
  ui.note("decode does not check the signature; use `sinch-ticket verify` for that");
  if (flags.json) {
    printJson(ctx, decodedJson(decoded));
  } else {
    ui.print(ui.out("bold", decoded.format === "jwt" ? "Registration token (JWT)" : "User ticket"));
    printRows(ctx, decodedRows(decoded, now));
  }
  for (const warning of decoded.warnings) ui.warn(warning);
  // The data reads fine, only the signature is damaged: everything was shown, still exit 6.
  return error === null ? ExitCode.ok : ExitCode.malformed;
}
