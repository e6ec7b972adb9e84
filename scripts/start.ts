/**
 * `npm start`: the main job. The relay (issue 4) is not built yet, so this prints what it will
 * start and checks that both crypto backends work on this machine.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';

const defaultBackend = getCryptoProvider().name;
console.log(`Sigil 0.1.0 on Node ${process.version}`);
for (const provider of allProviders()) {
  const alice = provider.x25519.generateKeyPair();
  const bob = provider.x25519.generateKeyPair();
  const a = provider.x25519.sharedSecret(alice.secretKey, bob.publicKey);
  const b = provider.x25519.sharedSecret(bob.secretKey, alice.publicKey);
  const ok = Buffer.from(a).equals(Buffer.from(b));
  const tag = provider.name === defaultBackend ? ' (default)' : '';
  console.log(`  crypto backend ${provider.name}${tag}: ${ok ? 'ok' : 'FAILED'}`);
  if (!ok) process.exitCode = 1;
}
console.log(
  [
    '',
    'The relay is not built yet. When it lands, `npm start` will start it on embedded SQLite',
    '(node:sqlite) under ./.sigil-data, serve the web client, and print its URL.',
    'Meanwhile: `npm test` runs every test, `npm run bench:crypto` compares the crypto backends.',
  ].join('\n'),
);
