/**
 * The child process of one benchmark subject (subjects.ts), driven over IPC by compare.ts:
 * `prepare` a scenario (which also warms it up and sizes its batch), then time one `round` at a
 * time when asked, so that the parent can interleave the subjects while only one of them runs.
 * `primitive` times one round of a crypto primitive of primitives.ts on the subject's backend
 * (profile.ts).
 *
 * Usage (by compare.ts only): `node protocol/worker.ts <subject id>`.
 * @module
 */
import { measure, sizeBatchAsync, timeRoundAsync } from '../harness.ts';
import { PRIMITIVES, providerOf } from './primitives.ts';
import { isScenarioName } from './scenario.ts';
import { createSubject, isSubjectId, type SubjectId } from './subjects.ts';

/** A request from the parent. */
export type WorkerRequest =
  | { readonly type: 'prepare'; readonly scenario: string }
  | { readonly type: 'round'; readonly roundMs: number }
  | { readonly type: 'primitive'; readonly primitive: string; readonly roundMs: number }
  | { readonly type: 'exit' };

/** A reply to the parent. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'rate'; readonly rate: number }
  | { readonly type: 'error'; readonly message: string };

const arg = process.argv[2];
if (!isSubjectId(arg) || process.send === undefined) {
  console.error('usage: node protocol/worker.ts <subject id> (forked by compare.ts)');
  process.exit(2);
}
const id: SubjectId = arg;
const reply = (message: WorkerReply): void => {
  process.send?.(message);
};
const subject = await createSubject(id);
let current: { op: () => Promise<void>; batch: number } | undefined;
const primitives = new Map<string, () => unknown>();

process.on('message', (request: WorkerRequest) => {
  void handle(request).then(reply, (error: unknown) =>
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.type) {
    case 'prepare': {
      if (!isScenarioName(request.scenario)) throw new Error('unknown scenario');
      current = undefined;
      const op = await subject.prepare(request.scenario);
      current = { op, batch: await sizeBatchAsync(op) };
      return { type: 'ready' };
    }
    case 'round': {
      if (current === undefined) throw new Error('no scenario prepared');
      return {
        type: 'rate',
        rate: await timeRoundAsync(current.op, current.batch, request.roundMs),
      };
    }
    case 'primitive': {
      let op = primitives.get(request.primitive);
      if (op === undefined) {
        const primitive = PRIMITIVES[request.primitive];
        const crypto = await providerOf(id);
        if (primitive === undefined || crypto === undefined) throw new Error('no such primitive');
        op = primitive.make(crypto.provider, crypto.pool);
        primitives.set(request.primitive, op);
      }
      return {
        type: 'rate',
        rate: measure(op, { rounds: 1, roundMs: request.roundMs }).opsPerSecond,
      };
    }
    case 'exit':
      process.exit(0);
  }
}
