/**
 * The `sigil` program (bin/sigil.js imports this): runs {@link run} on the process's arguments
 * and exits with its code.
 *
 * @module
 */
import { run } from './run.ts';

const code = await run(process.argv.slice(2), process.env);
process.exit(code);
