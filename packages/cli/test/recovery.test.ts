/**
 * `sigil` when things go wrong, end to end through a relay child process with each command its
 * own process: a `watch` killed with SIGKILL during a burst loses and duplicates nothing; a
 * profile whose session records are deleted still gets the message (resend request and
 * resend); a contact who re-creates their account under the same username blocks `send` with
 * the identity-changed exit code until `contacts accept`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openProfile } from '@sigil/client/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupDirs,
  ok,
  type RelayProcess,
  sigil,
  startRelayProcess,
  startWatch,
  tempDir,
  until,
} from './harness.ts';

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelayProcess();
});
afterAll(async () => {
  await relay?.stop();
  cleanupDirs();
});

interface MessageJson {
  seq: number;
  id: string;
  direction: 'in' | 'out';
  text?: string;
}

/** Two profiles with accounts that added each other. */
async function pair(a: string, b: string): Promise<{ pa: string; pb: string }> {
  const home = tempDir();
  const pa = join(home, a);
  const pb = join(home, b);
  await ok(pa, ['init', '--relay', relay.url, '--username', a]);
  await ok(pb, ['init', '--relay', relay.url, '--username', b]);
  await ok(pa, ['contacts', 'add', b]);
  await ok(pb, ['contacts', 'add', a]);
  return { pa, pb };
}

const incoming = async (profile: string): Promise<string[]> =>
  (await ok(profile, ['inbox', '--all', '--json']))
    .json<MessageJson>()
    .filter((m) => m.direction === 'in')
    .map((m) => m.text ?? '?');

describe('sigil CLI recovery', () => {
  it('kill -9 of watch during a burst: after a restart every message appears exactly once', {
    timeout: 300_000,
  }, async () => {
    const { pa, pb } = await pair('erin', 'frank');
    const burst = Array.from({ length: 10 }, (_, i) => `burst message ${i}`);
    const first = await startWatch(pb);
    let killed = false;
    const sends = (async () => {
      for (const text of burst) await ok(pa, ['send', 'frank', text]);
    })();
    // Kill the receiver while the sender is still sending.
    await until(() => first.texts().length >= 3, 'the first watch to print three messages');
    first.child.proc.kill('SIGKILL');
    killed = true;
    expect(await first.child.exited).toBe('SIGKILL');
    await sends;
    expect(killed).toBe(true);

    const second = await startWatch(pb);
    // Together the two watches printed every message (the second starts after the last shown).
    await until(
      () => new Set([...first.texts(), ...second.texts()]).size === burst.length,
      'the restarted watch to print the rest',
    );
    second.child.proc.kill('SIGTERM');
    expect(await second.child.exited).toBe(0);
    expect(first.texts().length).toBeLessThan(burst.length);

    // The store holds each exactly once, in the order sent.
    expect(await incoming(pb)).toEqual(burst);
  });

  it("session repair: the receiver's session records are deleted; the message still arrives", {
    timeout: 300_000,
  }, async () => {
    const { pa, pb } = await pair('gina', 'hank');
    await ok(pa, ['send', 'hank', 'before the reset']);
    await ok(pb, ['send', 'gina', 'hank answers']);
    expect(await incoming(pb)).toEqual(['before the reset']);
    expect(await incoming(pa)).toEqual(['hank answers']);

    const reset = (await ok(pb, ['debug', 'reset-sessions', '--json'])).json()[0];
    expect(reset?.deleted).toBeGreaterThanOrEqual(1);
    await ok(pa, ['send', 'hank', 'after the reset']);

    // Both sides running: Hank's client asks for a resend, Gina's resends on a fresh session.
    const hank = await startWatch(pb);
    const gina = await startWatch(pa);
    await until(() => hank.texts().includes('after the reset'), 'hank to get the message');
    for (const w of [hank, gina]) {
      w.child.proc.kill('SIGTERM');
      expect(await w.child.exited).toBe(0);
    }
    expect(await incoming(pb)).toEqual(['before the reset', 'after the reset']);
    // And the new session works both ways.
    await ok(pb, ['send', 'gina', 'hank after repair']);
    await ok(pa, ['send', 'hank', 'gina after repair']);
    expect(await incoming(pa)).toEqual(['hank answers', 'hank after repair']);
    expect(await incoming(pb)).toEqual([
      'before the reset',
      'after the reset',
      'gina after repair',
    ]);
  });

  it('identity change: send fails with exit 2 and says what to do until contacts accept', {
    timeout: 300_000,
  }, async () => {
    const { pa, pb } = await pair('iris', 'jack');
    await ok(pa, ['send', 'jack', 'hello old jack']);
    await ok(pa, ['verify', 'jack', '--confirm']);
    const oldNumber = (await ok(pa, ['verify', 'jack', '--json'])).json()[0]?.digits;

    // Jack deletes his account (through the SDK: the CLI has no delete command yet), loses his
    // profile, and signs up again under the same username: a new account key.
    const old = openProfile({ dir: pb });
    await old.open({ connect: false });
    await old.deleteAccount();
    rmSync(pb, { recursive: true, force: true });
    const pb2 = join(tempDir(), 'jack-again');
    await ok(pb2, ['init', '--relay', relay.url, '--username', 'jack']);

    const expected =
      'contact jack changed their identity key; run `sigil verify jack` then `sigil contacts accept jack`';
    for (let i = 0; i < 2; i++) {
      const blocked = await sigil(pa, ['send', 'jack', 'are you still jack?']);
      expect(blocked.code).toBe(2);
      expect(blocked.stderr).toContain(expected);
    }
    const json = await sigil(pa, ['send', 'jack', 'still blocked', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr.trim())).toMatchObject({ error: { code: 'IDENTITY_CHANGED' } });
    const [listed] = (await ok(pa, ['contacts', 'list', '--json'])).json();
    expect(listed).toMatchObject({ username: 'jack', identityChanged: true });

    const accepted = (await ok(pa, ['contacts', 'accept', 'jack', '--json'])).json()[0];
    expect(accepted).toMatchObject({ username: 'jack', identityChanged: false, verified: false });
    const newNumber = (await ok(pa, ['verify', 'jack', '--json'])).json()[0]?.digits;
    expect(newNumber).not.toBe(oldNumber);
    await ok(pb2, ['contacts', 'add', 'iris']);
    const jacks = (await ok(pb2, ['verify', 'iris', '--json'])).json()[0]?.digits;
    expect(jacks).toBe(newNumber);

    await ok(pa, ['send', 'jack', 'welcome back jack']);
    expect(await incoming(pb2)).toEqual(['welcome back jack']);
  });
});
