/**
 * `sigil` end to end: a relay child process and two CLI profiles, every command its own
 * process. Init, contacts, sending both ways (argument and stdin), `watch` receiving in order,
 * equal safety numbers on both sides, `--json` output, exit codes; and the relay's database
 * files and logs never hold a plaintext that was sent.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupDirs,
  containsBytes,
  ok,
  type RelayProcess,
  sentPlaintexts,
  sigil,
  startRelayProcess,
  startWatch,
  tempDir,
  until,
} from './harness.ts';

let relay: RelayProcess;
let alice: string;
let bob: string;
/** Every plaintext sent in this file, to search the relay's bytes for. */
const { sent, secret } = sentPlaintexts();

beforeAll(async () => {
  relay = await startRelayProcess();
  const home = tempDir();
  alice = join(home, 'alice');
  bob = join(home, 'bob');
});
afterAll(async () => {
  await relay?.stop();
  cleanupDirs();
});

interface MessageJson {
  seq: number;
  id: string;
  contact: string | null;
  direction: 'in' | 'out';
  text?: string;
}

describe('sigil CLI end to end', () => {
  it('init, contacts add, send both ways, inbox', { timeout: 240_000 }, async () => {
    const created = await ok(alice, [
      'init',
      '--relay',
      relay.url,
      '--username',
      'alice',
      '--json',
    ]);
    const [info] = created.json();
    expect(info).toMatchObject({ username: 'alice', deviceId: 1, listVersion: '1' });
    expect(info?.accountId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const human = await ok(bob, ['init', '--relay', relay.url, '--username', 'bob']);
    expect(human.stdout).toContain('created bob on');

    // A second init on the same profile is a usage error that says what to do.
    const again = await sigil(bob, ['init', '--relay', relay.url, '--username', 'bob2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds an account');

    const added = (await ok(alice, ['contacts', 'add', 'bob', '--json'])).json()[0];
    expect(added).toMatchObject({ username: 'bob', verified: false, identityChanged: false });
    await ok(bob, ['contacts', 'add', 'alice']);
    const list = (await ok(alice, ['contacts', 'list', '--json'])).json();
    expect(list.map((c) => c.username)).toEqual(['bob']);

    const first = secret('hello bob');
    const sendResult = (await ok(alice, ['send', 'bob', first, '--json'])).json()[0];
    expect(sendResult?.id).toMatch(/^[0-9a-f]{32}$/);
    const fromStdin = secret('multi word from stdin');
    await ok(alice, ['send', 'bob'], { input: `${fromStdin}\n` });
    const reply = secret('hi alice');
    await ok(bob, ['send', 'alice', reply]);

    const bobInbox = (await ok(bob, ['inbox', '--json'])).json<MessageJson>();
    expect(bobInbox.map((m) => [m.contact, m.direction, m.text])).toEqual([
      ['alice', 'in', first],
      ['alice', 'in', fromStdin],
    ]);
    expect(bobInbox[0]?.id).toBe(sendResult?.id);
    // Shown messages are not shown again; --all shows the history, sent ones included.
    expect((await ok(bob, ['inbox', '--json'])).json()).toEqual([]);
    const history = (await ok(bob, ['inbox', '--all', '--json'])).json<MessageJson>();
    // (Bob stored his reply when he sent it, before fetching Alice's messages.)
    expect(history.map((m) => m.text)).toEqual([reply, first, fromStdin]);
    expect(history.map((m) => m.direction)).toEqual(['out', 'in', 'in']);

    const aliceInbox = (await ok(alice, ['inbox'])).stdout;
    expect(aliceInbox).toContain(`bob: ${reply}`);

    const whoami = (await ok(bob, ['whoami', '--json'])).json()[0];
    expect(whoami).toMatchObject({ username: 'bob', deviceId: 1, devices: [1] });
    const devices = (await ok(bob, ['devices', '--json'])).json()[0];
    expect(devices).toMatchObject({ deviceId: 1, devices: [1], listVersion: '1' });
  });

  it('watch prints incoming messages in order and exits cleanly on Ctrl-C', {
    timeout: 120_000,
  }, async () => {
    const watch = await startWatch(bob);
    const texts = [1, 2, 3, 4, 5].map((i) => secret(`ordered ${i}`));
    for (const text of texts) await ok(alice, ['send', 'bob', text]);
    await until(() => watch.texts().length >= texts.length, 'watch to print every message');
    expect(watch.texts()).toEqual(texts);
    const lines = watch.child.lines().map((l) => JSON.parse(l) as MessageJson);
    expect(lines.every((m) => m.contact === 'alice' && m.direction === 'in')).toBe(true);
    const seqs = lines.map((m) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    watch.child.proc.kill('SIGINT');
    expect(await watch.child.exited).toBe(0);
    // What watch showed is not shown again by inbox.
    expect((await ok(bob, ['inbox', '--json'])).json()).toEqual([]);
  });

  it('verify shows equal safety numbers on both sides; --confirm marks verified', {
    timeout: 60_000,
  }, async () => {
    const a = (await ok(alice, ['verify', 'bob', '--json'])).json()[0];
    const b = (await ok(bob, ['verify', 'alice', '--json'])).json()[0];
    expect(a?.digits).toMatch(/^[0-9]{60}$/);
    expect(a?.digits).toBe(b?.digits);
    expect(a?.groups).toEqual(b?.groups);
    expect(a?.groups as string[]).toHaveLength(12);
    expect(a?.qrPayload).toMatch(/^[0-9a-f]{124}$/);
    expect(a?.verified).toBe(false);

    const human = await ok(alice, ['verify', 'bob']);
    const groups = a?.groups as string[];
    expect(human.stdout).toContain(groups.slice(0, 4).join(' '));
    expect(human.stdout).toContain('sigil verify bob --confirm');

    const confirmed = (await ok(alice, ['verify', 'bob', '--confirm', '--json'])).json()[0];
    expect(confirmed?.verified).toBe(true);
    const [contact] = (await ok(alice, ['contacts', 'list', '--json'])).json();
    expect(contact).toMatchObject({ username: 'bob', verified: true });
  });

  it('exit codes and messages that say what to do', { timeout: 60_000 }, async () => {
    const usage = await sigil(alice, ['send']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('send needs a contact');
    expect((await sigil(alice, ['frobnicate'])).code).toBe(1);
    expect((await sigil(alice, ['inbox', '--bogus'])).code).toBe(1);

    const noProfile = await sigil(join(tempDir(), 'none'), ['whoami']);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain('sigil init --relay URL --username NAME');

    const noUser = await sigil(alice, ['send', 'nobody', 'hi', '--json']);
    expect(noUser.code).toBe(2);
    expect(JSON.parse(noUser.stderr.trim())).toMatchObject({
      error: { code: 'NOT_FOUND', exitCode: 2 },
    });
    const noContact = await sigil(bob, ['verify', 'carol']);
    expect(noContact.code).toBe(2);
    expect(noContact.stderr).toContain('sigil contacts add carol');

    const nowhere = await sigil(join(tempDir(), 'x'), [
      'init',
      '--relay',
      'http://127.0.0.1:1',
      '--username',
      'xavier',
    ]);
    expect(nowhere.code).toBe(3);
    expect(nowhere.stderr).toContain('cannot reach the relay at http://127.0.0.1:1');
  });

  it('a passphrase-protected profile opens only with its passphrase', {
    timeout: 240_000,
  }, async () => {
    const dir = join(tempDir(), 'kim');
    const env = { KIM_PASSPHRASE: 'correct horse battery staple' };
    const args = ['--passphrase-env', 'KIM_PASSPHRASE'];
    const init = await sigil(dir, ['init', '--relay', relay.url, '--username', 'kim', ...args], {
      env,
    });
    expect(init.code, init.stderr).toBe(0);
    const locked = await sigil(dir, ['whoami']);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain('--passphrase-env VAR');
    const wrong = await sigil(dir, ['whoami', ...args], { env: { KIM_PASSPHRASE: 'wrong' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('wrong passphrase');
    const unset = await sigil(dir, ['whoami', ...args]);
    expect(unset.code).toBe(1);
    const open = await sigil(dir, ['whoami', '--json', ...args], { env });
    expect(open.code, open.stderr).toBe(0);
    expect(open.json()[0]).toMatchObject({ username: 'kim' });
  });

  it("the relay's database files and logs never contain a plaintext", {
    timeout: 60_000,
  }, async () => {
    expect(sent.length).toBeGreaterThanOrEqual(8);
    const before = [...relay.files(), relay.logs()];
    expect(relay.logs().length).toBeGreaterThan(1000); // trace logs were written
    await relay.stop(); // the WAL is checkpointed into the database on close
    const after = [...relay.files(), relay.logs()];
    for (const text of sent) {
      expect(containsBytes(before, text), text).toBe(false);
      expect(containsBytes(after, text), text).toBe(false);
    }
    // The search would find them: the messages are in the logs' neighbour, the client side.
    expect(containsBytes([Buffer.from(sent.join('\n'))], sent[0] as string)).toBe(true);
  });
});
