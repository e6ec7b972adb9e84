/**
 * The default extension types (RFC 9420 §17.3) and the `required_capabilities` GroupContext
 * extension (§11.1).
 *
 * ```
 * struct {
 *     ExtensionType extension_types<V>;
 *     ProposalType proposal_types<V>;
 *     CredentialType credential_types<V>;
 * } RequiredCapabilities;
 * ```
 *
 * Extension types are plain uint16 values (the registry is open: GREASE values must
 * round-trip), so these are numbers, not names.
 *
 * @module
 */
import { type Infer, struct, uint16, vector } from '@sigil/wire';
import type { Extension } from './common.ts';

/** The ExtensionType values RFC 9420 defines (§17.3). */
export const EXTENSION_TYPES = {
  application_id: 1,
  ratchet_tree: 2,
  required_capabilities: 3,
  external_pub: 4,
  external_senders: 5,
} as const;

/**
 * The "default" extension types (§7.2): every client implements them, so capabilities never
 * list them and LeafNode validation does not require them to be listed.
 */
export const DEFAULT_EXTENSION_TYPES: ReadonlySet<number> = new Set(Object.values(EXTENSION_TYPES));

/** The "default" proposal types add(1) .. group_context_extensions(7) (§7.2). */
export const DEFAULT_PROPOSAL_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7]);

/** `RequiredCapabilities` (§11.1): what every member of the group must support. */
export const RequiredCapabilities = struct({
  /** ExtensionType values every member must support. */
  extensionTypes: vector(uint16),
  /** ProposalType values every member must support. */
  proposalTypes: vector(uint16),
  /** CredentialType values every member must support. */
  credentialTypes: vector(uint16),
});
/** A decoded {@link RequiredCapabilities}. */
export type RequiredCapabilities = Infer<typeof RequiredCapabilities>;

/** The first extension of `type` in `extensions`, or undefined. */
export function findExtension(
  extensions: readonly Extension[],
  type: number,
): Extension | undefined {
  return extensions.find((extension) => extension.extensionType === type);
}
