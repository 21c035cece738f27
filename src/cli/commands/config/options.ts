import { Command, Option } from "../../terminal/commander.js";
import { addCredentialOptions, addSecretSourceOptions, addWebhookSecretOption } from "../options.js";

/** `config init`'s options. */
export function initCommand() {
  return addSecretSourceOptions(
    new Command("init")
      .description("Store an application key and secret in a profile (asks when run by a person).")
      .option("--profile <name>", "profile to write (default: SINCH_PROFILE, else default)")
      .option("--force", "replace an existing profile without asking")
      .option("--key <key>", "application key")
      .option(
        "--webhook-secret-file <path>",
        "also store this file's text as the webhook secret (Conversation, SMS, Numbers); asked when run by a person",
      )
      .addOption(
        new Option(
          "--store <where>",
          "where the secrets go (default: the keychain, else the file when no credential store answers)",
        ).choices(["keychain", "file"] as const),
      ),
  ).option("--no-input", "never prompt");
}

/** `config show`'s options. */
export function showCommand() {
  return addCredentialOptions(
    addWebhookSecretOption(
      new Command("show")
        .description("Show the credentials commands would use, and where each comes from.")
        .option("--json", "print one JSON object"),
    ),
  );
}

/** `config list`'s options. */
export function listCommand() {
  return new Command("list")
    .description("List the profiles in the config file.")
    .option("--json", "print one JSON object");
}

/** `config migrate`'s options. */
export function migrateCommand() {
  return new Command("migrate")
    .description("Move secrets (application and webhook) between the config file and the keychain.")
    .addOption(
      new Option("--to <where>", "where the secrets go").choices(["keychain", "file"] as const).default("keychain"),
    )
    .option("--profile <name>", "only this profile (default: every profile)");
}

type FlagsOf<F extends () => { opts(): unknown }> = ReturnType<ReturnType<F>["opts"]>;
export type ConfigInitFlags = FlagsOf<typeof initCommand>;
export type ConfigShowFlags = FlagsOf<typeof showCommand>;
export type ConfigListFlags = FlagsOf<typeof listCommand>;
export type ConfigMigrateFlags = FlagsOf<typeof migrateCommand>;
