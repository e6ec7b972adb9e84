/**
 * Printed first by `npm test`: the Node version the suite is about to run on. The repo pins
 * Node 24 as a dev dependency, so npm scripts use it even where the system Node is older.
 */
const major = Number(process.versions.node.split('.')[0]);
console.log(`[sigil] npm test on Node ${process.version} (${process.execPath})`);
if (major < 24) {
  console.error('[sigil] Node 24 or newer is required; run `npm ci` so the pinned Node is used.');
  process.exit(1);
}
