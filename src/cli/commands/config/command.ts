import { Command, Option } from "commander";
import { addCredentialOptions, addSecretSourceOptions, type CommandDefinition, examples } from "../options.js";

type Run = typeof import("./run.js");

/** `sinch-ticket config <subcommand>`: the config file's profiles. */
export const config: CommandDefinition = {
  name: "config",
  summary: "Manage the config file's profiles (application key and secret).",
  define(command, ctx) {
    const run = async (work: (run: Run) => Promise<number>) => {
      ctx.exitCode = await work(await import("./run.js"));
    };
    const init = new Command("init")
      .description("Store an application key and secret in a profile (asks when run by a person).")
      .option("--profile <name>", "profile to write (default: SINCH_PROFILE, else default)")
      .option("--force", "replace an existing profile without asking")
      .option("--key <key>", "application key")
      .addOption(
        new Option(
          "--store <where>",
          "where the secret goes (default: the keychain, else the file when no credential store answers)",
        ).choices(["keychain", "file"]),
      );
    addSecretSourceOptions(init).option("--no-input", "never prompt");
    examples(init, [
      "config init --profile prod",
      "config init --key KEY --secret-stdin < secret.txt",
      "config init --profile ci --store file --key KEY --secret-file secret.txt",
    ]);
    init.action((flags) => run((run) => run.configInit(flags, ctx)));

    const show = new Command("show")
      .description("Show the credentials commands would use, and where each comes from.")
      .option("--json", "print one JSON object");
    addCredentialOptions(show).action((flags) => run((run) => run.configShow(flags, ctx)));

    command
      .addCommand(init)
      .addCommand(show)
      .addCommand(
        new Command("list")
          .description("List the profiles in the config file.")
          .option("--json", "print one JSON object")
          .action((flags) => run((run) => run.configList(flags, ctx))),
      )
      .addCommand(
        new Command("use")
          .description("Make a profile the default.")
          .argument("<profile>", "profile name")
          .action((name: string) => run((run) => run.configUse(name, ctx))),
      )
      .addCommand(
        new Command("remove")
          .description("Remove a profile (and its keychain entry).")
          .argument("<profile>", "profile name")
          .action((name: string) => run((run) => run.configRemove(name, ctx))),
      )
      .addCommand(
        examples(
          new Command("migrate")
            .description("Move secrets between the config file and the keychain.")
            .addOption(
              new Option("--to <where>", "where the secrets go").choices(["keychain", "file"]).default("keychain"),
            )
            .option("--profile <name>", "only this profile (default: every profile)")
            .action((flags) => run((run) => run.configMigrate(flags, ctx))),
          ["config migrate", "config migrate --to file --profile ci"],
        ),
      )
      .addCommand(
        new Command("path")
          .description("Print the config file's path.")
          .action(() => run((run) => run.configPathCommand(ctx))),
      );
  },
};
