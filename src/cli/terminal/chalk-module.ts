import * as chalk from "chalk";

/**
 * chalk, for the painters. The build replaces this file with one that loads chalk on the
 * first call (its colour detection costs start-up time that a run printing no colour
 * need not pay); from source, it is simply chalk.
 */
export function chalkModule(): typeof chalk {
  return chalk;
}
