/** Configuration: defaults, environment, flags, precedence and rejection of bad values. */
import { SigilError } from '@sigil/errors';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, describeConfig, loadConfig, redactUrl } from '../../src/config.ts';

describe('loadConfig', () => {
  it('defaults run on a laptop: 127.0.0.1:8787, ./.sigil-data, 256 KiB, 30 days, 1 h', () => {
    const config = loadConfig();
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config.port).toBe(8787);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe('./.sigil-data');
    expect(config.maxEnvelopeBytes).toBe(256 * 1024);
    expect(config.retentionMs).toBe(30 * 24 * 3600 * 1000);
    expect(config.tokenTtlMs).toBe(3600 * 1000);
  });

  it('reads the environment and lets flags win', () => {
    const config = loadConfig(['--port', '9000', '--send-limit=5/60'], {
      SIGIL_RELAY_PORT: '9100',
      SIGIL_RELAY_DATA_DIR: '/tmp/x',
      SIGIL_RELAY_MAX_ENVELOPE_BYTES: '1024',
    });
    expect(config.port).toBe(9000);
    expect(config.dataDir).toBe('/tmp/x');
    expect(config.maxEnvelopeBytes).toBe(1024);
    expect(config.sendLimit).toEqual({ burst: 5, perMinute: 60 });
  });

  it('SQLite and in-process wake-ups are the default; --database and --redis switch', () => {
    expect(DEFAULT_CONFIG.database).toBeUndefined();
    expect(DEFAULT_CONFIG.redis).toBeUndefined();
    const config = loadConfig(
      [
        '--database',
        'postgres://relay@db.internal:5432/sigil',
        '--redis=redis://cache.internal:6379',
        '--database-schema',
        'relay',
        '--database-pool-size',
        '20',
        '--channel-prefix',
        'prod_eu',
        '--instance-id',
        'relay-7.eu',
        '--trust-proxy',
        '10.0.0.0/8',
      ],
      {},
    );
    expect(config.database).toBe('postgres://relay@db.internal:5432/sigil');
    expect(config.redis).toBe('redis://cache.internal:6379');
    expect(config.databaseSchema).toBe('relay');
    expect(config.databasePoolSize).toBe(20);
    expect(config.channelPrefix).toBe('prod_eu');
    expect(config.instanceId).toBe('relay-7.eu');
    expect(config.trustProxy).toBe('10.0.0.0/8');
  });

  it('reads SIGIL_DATABASE_URL and SIGIL_REDIS_URL; flags win', () => {
    const env = {
      SIGIL_DATABASE_URL: 'postgresql://a@h/db',
      SIGIL_REDIS_URL: 'rediss://h:6380',
      SIGIL_RELAY_DATABASE_SCHEMA: 's1',
    };
    const fromEnv = loadConfig([], env);
    expect(fromEnv.database).toBe('postgresql://a@h/db');
    expect(fromEnv.redis).toBe('rediss://h:6380');
    expect(fromEnv.databaseSchema).toBe('s1');
    expect(loadConfig(['--database', 'postgres://b@h/db'], env).database).toBe('postgres://b@h/db');
  });

  it('describeConfig lists every setting with its flag, variable and default', () => {
    const entries = describeConfig();
    expect(entries.map((e) => e.key).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
    expect(entries.find((e) => e.key === 'database')).toMatchObject({
      flag: '--database',
      env: 'SIGIL_DATABASE_URL',
      defaultValue: undefined,
    });
    expect(entries.find((e) => e.key === 'sendLimit')).toMatchObject({
      flag: '--send-limit',
      env: 'SIGIL_RELAY_SEND_LIMIT',
      defaultValue: '300/6000',
    });
  });

  it('redactUrl hides the password', () => {
    expect(redactUrl('postgres://relay:s3cret@db:5432/sigil')).toBe(
      'postgres://relay:***@db:5432/sigil',
    );
    expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });

  it.each([
    [['--database', 'mysql://h/db']],
    [['--database', 'not a url']],
    [['--redis', 'http://h:6379']],
    [['--database-schema', 'Bad-Name']],
    [['--database-schema', '1abc']],
    [['--channel-prefix', 'x:y']],
    [['--instance-id', 'a b']],
    [['--database-pool-size', '0']],
    [['--nope', '1']],
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--send-limit', '5']],
    [['--port']],
    [['positional']],
  ])('rejects %j with INVALID_ARGUMENT', (argv) => {
    expect(() => loadConfig(argv)).toThrow(SigilError);
    try {
      loadConfig(argv);
    } catch (err) {
      expect(SigilError.is(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
