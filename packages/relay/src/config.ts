/**
 * Relay configuration: every limit and setting, from command-line flags, then environment
 * variables, then laptop defaults (port 8787 on 127.0.0.1, data under ./.sigil-data).
 *
 * Flags are `--name value` or `--name=value` in kebab case (`--data-dir`, `--max-envelope-bytes`);
 * environment variables are `SIGIL_RELAY_` + the same name in upper snake case
 * (`SIGIL_RELAY_DATA_DIR`). Flags win over the environment.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.argv.slice(2), process.env);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';

/** A token-bucket limit: `burst` requests at once, refilled at `perMinute`. */
export interface RateLimit {
  /** Bucket capacity: how many requests may arrive at once. */
  readonly burst: number;
  /** Refill rate in requests per minute. */
  readonly perMinute: number;
}

/** Every setting of the relay. */
export interface RelayConfig {
  /** TCP port to listen on (0 picks a free one). */
  readonly port: number;
  /** Interface to listen on. */
  readonly host: string;
  /** Directory of the SQLite database (created if missing). */
  readonly dataDir: string;
  /**
   * The relay's public origin (scheme://host:port), signed into every authentication so a
   * signature made for one relay is useless at another. Unset: `http://<host>:<port>` of the
   * address the relay actually listens on (set it behind a proxy or TLS terminator).
   */
  readonly origin: string | undefined;
  /** Largest request body in bytes (a send carries one ciphertext per device). */
  readonly bodyLimitBytes: number;
  /** Largest ciphertext of one envelope, in bytes after base64url decoding (256 KiB). */
  readonly maxEnvelopeBytes: number;
  /** Most devices on one device list (and so ciphertexts in one send). */
  readonly maxDevicesPerAccount: number;
  /** How long a queued message is kept before it is purged unread (30 days). */
  readonly retentionMs: number;
  /** Lifetime of a bearer token (1 hour). */
  readonly tokenTtlMs: number;
  /** Lifetime of an authentication challenge (60 seconds). */
  readonly challengeTtlMs: number;
  /** Most one-time prekeys of each kind a device may keep on the relay. */
  readonly maxStoredOneTimePreKeys: number;
  /** How often expired rows are purged. */
  readonly purgeIntervalMs: number;
  /** Prekey fetches per (requesting device, target account). */
  readonly prekeyFetchLimit: RateLimit;
  /** Sends per device. */
  readonly sendLimit: RateLimit;
  /** Account registrations per client address. */
  readonly signupLimit: RateLimit;
  /** Challenges per (account, device). */
  readonly challengeLimit: RateLimit;
  /** Log level (pino): fatal, error, warn, info, debug, trace or silent. */
  readonly logLevel: string;
}

/** The laptop defaults. */
export const DEFAULT_CONFIG: RelayConfig = {
  port: 8787,
  host: '127.0.0.1',
  dataDir: './.sigil-data',
  origin: undefined,
  bodyLimitBytes: 4 * 1024 * 1024,
  maxEnvelopeBytes: 256 * 1024,
  maxDevicesPerAccount: 16,
  retentionMs: 30 * 24 * 60 * 60 * 1000,
  tokenTtlMs: 60 * 60 * 1000,
  challengeTtlMs: 60 * 1000,
  maxStoredOneTimePreKeys: 1000,
  purgeIntervalMs: 60 * 1000,
  prekeyFetchLimit: { burst: 30, perMinute: 30 },
  sendLimit: { burst: 300, perMinute: 6000 },
  signupLimit: { burst: 10, perMinute: 10 },
  challengeLimit: { burst: 30, perMinute: 60 },
  logLevel: 'info',
};

type Kind = 'int' | 'string' | 'limit';
const KEYS: Record<keyof RelayConfig, Kind> = {
  port: 'int',
  host: 'string',
  dataDir: 'string',
  origin: 'string',
  bodyLimitBytes: 'int',
  maxEnvelopeBytes: 'int',
  maxDevicesPerAccount: 'int',
  retentionMs: 'int',
  tokenTtlMs: 'int',
  challengeTtlMs: 'int',
  maxStoredOneTimePreKeys: 'int',
  purgeIntervalMs: 'int',
  prekeyFetchLimit: 'limit',
  sendLimit: 'limit',
  signupLimit: 'limit',
  challengeLimit: 'limit',
  logLevel: 'string',
};

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (key: string): string =>
  `SIGIL_RELAY_${kebab(key).replaceAll('-', '_').toUpperCase()}`;

function invalid(name: string, why: string): SigilError {
  return new SigilError('INVALID_ARGUMENT', `configuration ${name}: ${why}`);
}

function parseValue(name: string, kind: Kind, raw: string): unknown {
  if (kind === 'string') {
    if (raw === '') throw invalid(name, 'empty');
    return raw;
  }
  if (kind === 'int') {
    if (!/^[0-9]{1,15}$/.test(raw)) throw invalid(name, 'not a non-negative integer');
    return Number(raw);
  }
  // A rate limit is written `burst/perMinute`, e.g. `30/30`.
  const match = /^([0-9]{1,9})\/([0-9]{1,9})$/.exec(raw);
  if (match === null) throw invalid(name, 'expected burst/perMinute, e.g. 30/30');
  return { burst: Number(match[1]), perMinute: Number(match[2]) };
}

/** Splits `--name value` and `--name=value` flags into a map; anything else is an error. */
function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw invalid(arg, 'unexpected argument');
    const eq = arg.indexOf('=');
    if (eq >= 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw invalid(arg, 'missing value');
    flags.set(arg.slice(2), value);
    i++;
  }
  return flags;
}

/**
 * Builds the configuration from flags (`argv`, without the program name), the environment and
 * {@link DEFAULT_CONFIG}, in that order of precedence. `overrides` (tests) win over all three.
 * @throws SigilError `INVALID_ARGUMENT` for an unknown flag or a value that does not parse.
 */
export function loadConfig(
  argv: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  overrides: Partial<RelayConfig> = {},
): RelayConfig {
  const flags = parseFlags(argv);
  const known = new Set(Object.keys(KEYS).map(kebab));
  for (const name of flags.keys()) if (!known.has(name)) throw invalid(`--${name}`, 'unknown flag');
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, kind] of Object.entries(KEYS) as [keyof RelayConfig, Kind][]) {
    const raw = flags.get(kebab(key)) ?? env[envName(key)];
    if (raw === undefined) continue;
    out[key] = parseValue(key, kind, raw);
  }
  const config = { ...out, ...overrides } as RelayConfig;
  if (config.port > 65535) throw invalid('port', 'above 65535');
  if (config.maxEnvelopeBytes < 1) throw invalid('maxEnvelopeBytes', 'must be positive');
  return config;
}
