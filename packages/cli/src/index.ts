/**
 * @sigil/cli: the `sigil` command (bin/sigil.js). Importing this module does not run it:
 * {@link run} takes a command line and returns the exit code.
 *
 * @module
 */

export { describeError, EXIT, exitCodeOf } from './exit-codes.ts';
export { HELP, run } from './run.ts';
