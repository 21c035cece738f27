import { describe, examine } from "../../../core/judge.js";
import type { CommandContext } from "../../terminal/context.js";
import { printJson } from "../../terminal/context.js";
import { ExitCode, ExitError } from "../../terminal/exit.js";
import { readTicketArgument } from "../../terminal/ticket-input.js";
import { decodedRows, describedJson, malformedMessage, printRows } from "../../views/decoded.js";
import type { DecodeFlags } from "./options.js";

export async function decode(ticketArg: string | undefined, flags: DecodeFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const examined = examine(await readTicketArgument(ticketArg, io, false));
  const now = io.now();
  const description = describe(examined, now);
  const { decoded, error, diagnosis } = description;
  const notes = decoded?.notes ?? examined.input.notes;
  for (const note of notes) ui.note(note);
  if (decoded) ui.note("decode does not check the signature; use `sinch-ticket verify` for that");
  if (flags.json) {
    // One JSON document for every input, a malformed one included.
    printJson(ctx, describedJson(examined, description));
    for (const warning of decoded?.warnings ?? []) ui.warn(warning);
    return error === null ? ExitCode.ok : ExitCode.malformed;
  }
  const causes = () => {
    for (const d of diagnosis) ui.warn(`cause (${d.mistake}): ${d.detail}`);
  };
  if (!decoded) {
    causes();
    throw new ExitError(ExitCode.malformed, malformedMessage(examined, error ?? "it cannot be read"));
  }
  ui.print(ui.out("bold", decoded.format === "jwt" ? "Registration token (JWT)" : "User ticket"));
  printRows(ctx, decodedRows(decoded, now));
  for (const warning of decoded.warnings) ui.warn(warning);
  if (error !== null) {
    // Shown as far as it reads; the ticket as given is still malformed: exit 6.
    ui.warn(malformedMessage(examined, error));
    causes();
  }
  return error === null ? ExitCode.ok : ExitCode.malformed;
}
