/**
 * Durability: a relay process is killed with SIGKILL during a burst of sends and restarted on
 * the same database; every send that got a success response is delivered after the restart.
 * The relay runs as a real child process (`process.execPath src/main.ts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAccount } from './fixtures.ts';
import { post, registerAndLogin } from './http-login.ts';
import { TestSocket } from './ws-client.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  url: string;
}

function startRelay(dataDir: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'silent',
      '--send-limit',
      '1000000/1000000',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /relay listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve({ process: child, url: match[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${err}`)));
  });
}

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-relay-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged send survives kill -9 and is delivered after restart', async () => {
    const first = await startRelay(dir);
    children.push(first.process);
    // The origin is signed into authentications; the restarted relay gets another port, so
    // tokens (not challenges) carry the session across the restart.
    const bob = makeAccount();
    const alice = makeAccount();
    const bobToken = await registerAndLogin(first.url, bob);
    const aliceToken = await registerAndLogin(first.url, alice);

    const acknowledged: string[] = [];
    let killed = false;
    const sender = async (lane: number): Promise<void> => {
      for (let i = 0; !killed; i++) {
        const text = `lane${lane}-msg${i}`;
        try {
          const res = await post(
            `${first.url}/v1/messages`,
            {
              recipientAccountId: bob.accountId,
              messages: [{ deviceId: 1, ciphertext: Buffer.from(text).toString('base64url') }],
            },
            aliceToken,
          );
          if (res.status === 200) acknowledged.push(text);
          else await res.body?.cancel();
        } catch {
          return; // the relay died under this request: not acknowledged
        }
      }
    };
    const lanes = Array.from({ length: 8 }, (_, lane) => sender(lane));
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 300) {
      if (Date.now() > deadline) throw new Error(`only ${acknowledged.length} sends succeeded`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const exited = new Promise((resolve) => first.process.once('exit', resolve));
    first.process.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(lanes);
    expect(first.process.signalCode).toBe('SIGKILL');
    const sentBeforeKill = [...acknowledged];
    expect(sentBeforeKill.length).toBeGreaterThanOrEqual(300);

    const second = await startRelay(dir);
    children.push(second.process);
    const socket = await TestSocket.connect(second.url, bobToken);
    await socket.until(() => socket.queueEmpty, 30_000);
    const delivered = new Set(
      socket.messages.map((m) => Buffer.from(m.ciphertext, 'base64url').toString()),
    );
    const lost = sentBeforeKill.filter((text) => !delivered.has(text));
    expect(lost).toEqual([]);
    await socket.close();
    second.process.kill('SIGTERM');
    await new Promise((resolve) => second.process.once('exit', resolve));
    expect(second.process.exitCode).toBe(0);
  });
});
