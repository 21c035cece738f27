// The prompts' own file in dist/: loaded only when a command asks something.
export { createPromptModule } from "inquirer";
