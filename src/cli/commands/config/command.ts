import { Command } from "../../terminal/commander.js";
import { type CommandDefinition, examples } from "../options.js";
import { initCommand, listCommand, migrateCommand, showCommand } from "./options.js";

/** `sinch-ticket config <subcommand>`: the config file's profiles. */
export const config: CommandDefinition = {
  name: "config",
  summary: "Manage the config file's profiles (application key and secret).",
  define(command, ctx) {
    // Each subcommand's code is a module of its own, loaded when that subcommand runs.
    const run = async (work: () => Promise<number>) => {
      ctx.exitCode = await work();
    };
    const init = initCommand();
    examples(init, [
      "config init --profile prod",
      "config init --key KEY --secret-stdin < secret.txt",
      "config init --profile ci --store file --key KEY --secret-file secret.txt",
      "config init --profile hooks --key KEY --secret-stdin --webhook-secret-file webhook.txt < secret.txt",
    ]);
    init.action((flags) => run(async () => (await import("./init.js")).configInit(flags, ctx)));

    const show = showCommand();
    show.action((flags) => run(async () => (await import("./show.js")).configShow(flags, ctx)));

    command
      .addCommand(init)
      .addCommand(show)
      .addCommand(listCommand().action((flags) => run(async () => (await import("./list.js")).configList(flags, ctx))))
      .addCommand(
        new Command("use")
          .description("Make a profile the default.")
          .argument("<profile>", "profile name")
          .action((name) => run(async () => (await import("./use.js")).configUse(name, ctx))),
      )
      .addCommand(
        new Command("remove")
          .description("Remove a profile (and its keychain entry).")
          .argument("<profile>", "profile name")
          .action((name) => run(async () => (await import("./remove.js")).configRemove(name, ctx))),
      )
      .addCommand(
        examples(
          migrateCommand().action((flags) => run(async () => (await import("./migrate.js")).configMigrate(flags, ctx))),
          ["config migrate", "config migrate --to file --profile ci"],
        ),
      )
      .addCommand(
        new Command("path")
          .description("Print the config file's path.")
          .action(() => run(async () => (await import("./path.js")).configPathCommand(ctx))),
      );
  },
};
