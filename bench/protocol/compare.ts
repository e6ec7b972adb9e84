/**
 * Runs benchmark subjects side by side, each in a child process of its own (worker.ts; see
 * subjects.ts for why), with interleaved rounds: each round times every subject once in turn
 * while the others wait, so that load from other processes on a shared machine lands on all of
 * them rather than on one. A figure is the median of its rounds.
 *
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../harness.ts';
import type { ScenarioName } from './scenario.ts';
import { SUBJECTS, type SubjectId } from './subjects.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** One subject's child process. */
export class SubjectProcess {
  readonly id: SubjectId;
  readonly name: string;
  readonly #child: ChildProcess;
  #pending: ((reply: WorkerReply) => void) | undefined;

  constructor(id: SubjectId) {
    this.id = id;
    this.name = SUBJECTS[id];
    this.#child = fork(WORKER, [id], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (reply: WorkerReply) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.(reply);
    });
    this.#child.on('exit', (code) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.({ type: 'error', message: `worker exited with code ${code}` });
    });
  }

  /** Sends one request and waits for its reply (one at a time). */
  request(request: WorkerRequest): Promise<WorkerReply> {
    if (this.#pending !== undefined) throw new Error('one request at a time');
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#child.send(request);
    });
  }

  /** Ends the child process. */
  close(): void {
    if (this.#child.connected) this.#child.send({ type: 'exit' } satisfies WorkerRequest);
  }
}

/** The rates of several subjects on one task. */
export interface Comparison {
  /** Median rate per subject name; absent when the subject could not run it. */
  readonly rates: Record<string, number>;
  /** Every round's rate per subject, in order. */
  readonly rounds: Record<string, number[]>;
  /** Why a subject could not run it. */
  readonly errors: Record<string, string>;
}

/** Interleaved rounds of `round` on every ready subject; medians per subject. */
async function interleave(
  ready: readonly SubjectProcess[],
  errors: Record<string, string>,
  rounds: number,
  round: (subject: SubjectProcess) => WorkerRequest,
): Promise<Comparison> {
  const byRound: Record<string, number[]> = {};
  const live = ready.filter((s) => errors[s.name] === undefined);
  for (const subject of live) byRound[subject.name] = [];
  for (let r = 0; r < rounds; r++) {
    for (const subject of live) {
      if (errors[subject.name] !== undefined) continue;
      const reply = await subject.request(round(subject));
      if (reply.type === 'rate') byRound[subject.name]?.push(reply.rate);
      else if (reply.type === 'error') errors[subject.name] = reply.message;
    }
  }
  const rates: Record<string, number> = {};
  for (const [name, values] of Object.entries(byRound)) {
    if (values.length > 0 && errors[name] === undefined) rates[name] = median(values);
  }
  return { rates, rounds: byRound, errors };
}

/**
 * Prepares `scenario` in every subject's process (each warms up), then times `rounds`
 * interleaved rounds of `roundMs`.
 */
export async function compareScenario(
  subjects: readonly SubjectProcess[],
  scenario: ScenarioName,
  options: { readonly rounds: number; readonly roundMs: number },
): Promise<Comparison> {
  const errors: Record<string, string> = {};
  for (const subject of subjects) {
    const reply = await subject.request({ type: 'prepare', scenario });
    if (reply.type === 'error') errors[subject.name] = reply.message;
  }
  return interleave(subjects, errors, options.rounds, () => ({
    type: 'round',
    roundMs: options.roundMs,
  }));
}

/** Times one primitive of primitives.ts on every subject's backend, rounds interleaved. */
export async function comparePrimitive(
  subjects: readonly SubjectProcess[],
  primitive: string,
  options: { readonly rounds: number; readonly roundMs: number },
): Promise<Comparison> {
  return interleave(subjects, {}, options.rounds, () => ({
    type: 'primitive',
    primitive,
    roundMs: options.roundMs,
  }));
}
