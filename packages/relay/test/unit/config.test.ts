/** Configuration: defaults, environment, flags, precedence and rejection of bad values. */
import { SigilError } from '@sigil/errors';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig } from '../../src/config.ts';

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

  it.each([
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
