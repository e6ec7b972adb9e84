/**
 * The subjects the protocol benchmark can run, by id. Each runs in a child process of its own
 * (worker.ts), so that libraries and backends never share a JIT or a heap: the protocol code
 * is shared by the Sigil backends, and running them in one process makes its call sites
 * polymorphic and slows all of them (measured: one-way 100 B on the node backend with the AEAD
 * fix, ~7,000 msgs/s alone and ~4,500 after the other backends ran in the same process).
 *
 * @module
 */
import type { ProtocolSubject } from './scenario.ts';

/** Every subject id, with its display name. */
export const SUBJECTS = {
  'sigil-node': 'Sigil node',
  'sigil-portable': 'Sigil portable',
  libsignal: 'libsignal',
  'libsignal-serialize': 'libsignal',
  'sigil-node-aead-fix': 'node +AEAD fix',
  'sigil-node-aead-import-fix': 'node +AEAD +import fix',
} as const;

/** A subject id. */
export type SubjectId = keyof typeof SUBJECTS;

/** Whether `value` is a subject id. */
export function isSubjectId(value: unknown): value is SubjectId {
  return typeof value === 'string' && Object.hasOwn(SUBJECTS, value);
}

/** The subject with `id` (imports only what it needs: libsignal's native module, or Sigil). */
export async function createSubject(id: SubjectId): Promise<ProtocolSubject> {
  const name = SUBJECTS[id];
  switch (id) {
    case 'libsignal':
    case 'libsignal-serialize': {
      const { libsignalSubject } = await import('./libsignal.ts');
      return libsignalSubject({ serializeRecords: id === 'libsignal-serialize' });
    }
    case 'sigil-node':
    case 'sigil-portable': {
      const { sigilSubject } = await import('./sigil.ts');
      return sigilSubject(id === 'sigil-node' ? 'node' : 'portable');
    }
    case 'sigil-node-aead-fix':
    case 'sigil-node-aead-import-fix': {
      const { sigilSubject } = await import('./sigil.ts');
      const { whatIfNodeProvider } = await import('./what-if-provider.ts');
      const whatIf = id === 'sigil-node-aead-fix' ? 'aead' : 'aead+imports';
      return sigilSubject('node', { crypto: whatIfNodeProvider(whatIf), name });
    }
  }
}
