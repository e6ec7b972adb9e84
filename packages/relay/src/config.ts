/**
 * Relay configuration: every limit and setting, from command-line flags, then environment
 * variables, then laptop defaults (port 8787 on 127.0.0.1, data under ./.sigil-data, SQLite,
 * in-process wake-ups).
 *
 * Flags are `--name value` or `--name=value` in kebab case (`--data-dir`, `--max-envelope-bytes`);
 * environment variables are `SIGIL_RELAY_` + the same name in upper snake case
 * (`SIGIL_RELAY_DATA_DIR`), except the two service URLs, `SIGIL_DATABASE_URL` (`--database`)
 * and `SIGIL_REDIS_URL` (`--redis`). Flags win over the environment. {@link describeConfig}
 * lists every setting (for a CLI's help text).
 *
 * Scale-out: `--database postgres://...` stores everything in PostgreSQL instead of SQLite;
 * `--redis redis://...` wakes the instance holding a device's socket through Redis pub/sub and
 * shares rate limits between instances (without it, PostgreSQL LISTEN/NOTIFY wakes instances
 * and rate limits are per instance). docs/deploy.md describes a deployment.
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
  /**
   * PostgreSQL connection URL (`postgres://user@host:5432/db`). Set: every row lives there and
   * `dataDir` is unused. Unset: SQLite under `dataDir`. Env `SIGIL_DATABASE_URL`.
   */
  readonly database: string | undefined;
  /** PostgreSQL schema of the relay's tables (created if missing); unset: the server default. */
  readonly databaseSchema: string | undefined;
  /** Most PostgreSQL connections this instance opens for requests. */
  readonly databasePoolSize: number;
  /**
   * Redis URL (`redis://host:6379`). Set: wake-ups between instances go through Redis pub/sub
   * and rate limits are shared. Env `SIGIL_REDIS_URL`.
   */
  readonly redis: string | undefined;
  /**
   * Prefix of the Redis channels and keys and of the PostgreSQL notification channel, so that
   * several deployments (or test runs) can share one Redis or database. `[a-z0-9_]`, 1-32.
   */
  readonly channelPrefix: string;
  /**
   * Which proxies to trust for the client address (`X-Forwarded-For`), which the sign-up limit
   * is keyed by: `true` (any) or comma-separated addresses/CIDRs of the load balancers. Unset:
   * none (the socket's peer address). Set it behind a load balancer.
   */
  readonly trustProxy: string | undefined;
  /**
   * This instance's name among several (in its PostgreSQL `application_name`, its Redis client
   * name and its connection stamps): `[A-Za-z0-9_.-]`, 1-40. Unset: random per start.
   */
  readonly instanceId: string | undefined;
  /**
   * Directory of the built web client served at `/` (routes/web). Unset: packages/web/dist
   * when it exists; `off`: no web client.
   */
  readonly webDir: string | undefined;
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
  database: undefined,
  databaseSchema: undefined,
  databasePoolSize: 10,
  redis: undefined,
  channelPrefix: 'sigil',
  trustProxy: undefined,
  instanceId: undefined,
  webDir: undefined,
};

type Kind = 'int' | 'string' | 'limit' | 'postgres-url' | 'redis-url' | 'identifier' | 'name';
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
  database: 'postgres-url',
  databaseSchema: 'identifier',
  databasePoolSize: 'int',
  redis: 'redis-url',
  channelPrefix: 'identifier',
  trustProxy: 'string',
  instanceId: 'name',
  webDir: 'string',
};

/** Environment variables that do not follow the `SIGIL_RELAY_<NAME>` pattern. */
const ENV_NAMES: Partial<Record<keyof RelayConfig, string>> = {
  database: 'SIGIL_DATABASE_URL',
  redis: 'SIGIL_REDIS_URL',
};

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (key: keyof RelayConfig): string =>
  ENV_NAMES[key] ?? `SIGIL_RELAY_${kebab(key).replaceAll('-', '_').toUpperCase()}`;

/** One setting as a command line and the environment spell it. */
export interface ConfigEntry {
  readonly key: keyof RelayConfig;
  /** `--kebab-name`. */
  readonly flag: string;
  /** The environment variable. */
  readonly env: string;
  /** What the value looks like: int, string, limit (`burst/perMinute`), URL or identifier. */
  readonly kind: string;
  /** The default, as text (`undefined` when unset by default). */
  readonly defaultValue: string | undefined;
}

/** Every setting with its flag, environment variable and default (for a CLI's help text). */
export function describeConfig(): ConfigEntry[] {
  return (Object.entries(KEYS) as [keyof RelayConfig, Kind][]).map(([key, kind]) => {
    const value = DEFAULT_CONFIG[key];
    return {
      key,
      flag: `--${kebab(key)}`,
      env: envName(key),
      kind,
      defaultValue:
        value === undefined
          ? undefined
          : typeof value === 'object'
            ? `${value.burst}/${value.perMinute}`
            : String(value),
    };
  });
}

/** The URL with its password replaced by `***` (for printing where it connects). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

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
  if (kind === 'postgres-url' || kind === 'redis-url') {
    const schemes = kind === 'postgres-url' ? ['postgres:', 'postgresql:'] : ['redis:', 'rediss:'];
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid(name, 'not a URL');
    }
    if (!schemes.includes(url.protocol)) {
      throw invalid(name, `expected a ${schemes.map((s) => `${s}//`).join(' or ')} URL`);
    }
    return raw;
  }
  if (kind === 'name') {
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(raw))
      throw invalid(name, 'expected 1-40 of A-Z a-z 0-9 _ . -');
    return raw;
  }
  if (kind === 'identifier') {
    if (!/^[a-z_][a-z0-9_]{0,31}$/.test(raw)) {
      throw invalid(name, 'expected 1-32 characters of a-z, 0-9 and _, not starting with a digit');
    }
    return raw;
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
  if (config.databasePoolSize < 1) throw invalid('databasePoolSize', 'must be positive');
  return config;
}
