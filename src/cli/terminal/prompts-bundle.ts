export { confirm, input, password, select } from "@inquirer/prompts";
