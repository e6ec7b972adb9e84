/**
 * Internals of HPKE for Sigil's own tests: the KEM and key schedule as separate steps, and
 * test hooks that read a context's secrets or move its sequence number. Not exported from
 * `@sigil/crypto/hpke` (the package's `exports` map cannot reach this file); import it by
 * relative path from tests only. Everything named `unsafe…` breaks HPKE's guarantees.
 *
 * @example
 * ```ts
 * import { unsafeContextSecrets } from '../src/hpke/internal.ts';
 * const { key, baseNonce, exporterSecret } = unsafeContextSecrets(hpke.setupBaseS(pkR, info));
 * ```
 * @module
 */
export { unsafeContextSecrets, unsafeSetSequenceNumber } from './context.ts';
export { type DhKem, dhKem, type Encapsulation } from './dhkem.ts';
export { type KeyScheduleOutput, keySchedule, verifyPskInputs } from './key-schedule.ts';
export { i2osp, type LabeledKdf, labeledKdf } from './labeled.ts';
export { type ResolvedSuite, resolveSuite } from './suite.ts';
