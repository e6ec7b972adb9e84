/**
 * `sigil` argument parsing: words that begin with one '-' but are no known short flags (group
 * ids and other base64url values) are arguments, not unknown options; real flags, `--` and the
 * usage errors work as before.
 */
import { describe, expect, it } from 'vitest';
import { flag, parse, str } from '../src/args.ts';

const groupId = '-f7x2YF9nuAs0y3TLX4g_kz-s7NOELzak25ea4riBw';

describe('parse', () => {
  it('takes a base64url word that starts with "-" as a positional argument', () => {
    const parsed = parse(['rename', groupId, 'Third', '--json'], {}, 4);
    expect(parsed.positionals).toEqual(['rename', groupId, 'Third']);
    expect(flag(parsed, 'json')).toBe(true);
  });

  it('takes such a word as the value of a string option', () => {
    const parsed = parse(['--profile', '-my-profile-dir', 'x'], {}, 1);
    expect(str(parsed, 'profile')).toBe('-my-profile-dir');
    expect(parsed.positionals).toEqual(['x']);
  });

  it('still reads clusters of known short flags, and everything after "--" as arguments', () => {
    expect(flag(parse(['-hh'], {}, 0), 'help')).toBe(true);
    expect(parse(['--', '--json', '-x'], {}, 2).positionals).toEqual(['--json', '-x']);
  });

  it('still refuses unknown flags and too many arguments with INVALID_ARGUMENT', () => {
    expect(() => parse(['-x'], {}, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => parse(['--bogus'], {}, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => parse(['a', groupId], {}, 1)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: `unexpected argument: ${groupId}`,
      }),
    );
  });
});
