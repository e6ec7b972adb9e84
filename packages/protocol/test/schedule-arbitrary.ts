/**
 * The delivery schedules the property tests explore: either party sends (sometimes forcing a
 * post-quantum step), a message in flight is delivered (and kept for a duplicate) or dropped.
 */
import fc from 'fast-check';

export type Action =
  | { readonly kind: 'send'; readonly from: 0 | 1; readonly forcePqStep: boolean }
  | { readonly kind: 'deliver'; readonly pick: number; readonly keep: boolean }
  | { readonly kind: 'drop'; readonly pick: number };

export const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      from: fc.constantFrom(0 as const, 1 as const),
      forcePqStep: fc.nat(9).map((n) => n === 0),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      pick: fc.nat(),
      keep: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }) },
);
