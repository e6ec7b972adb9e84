import { describe, expect, it } from 'vitest';
import { renderQr } from '../src/qr.ts';

describe('renderQr', () => {
  const payload = Uint8Array.from({ length: 62 }, (_, i) => (i * 37) & 0xff);

  it('draws a square code with the three finder patterns and a quiet zone', () => {
    const lines = renderQr(payload).split('\n');
    const width = lines[0]?.length ?? 0;
    // 124 alphanumeric characters at level M need version 6: 41 modules + 2 * 2 quiet zone.
    expect(width).toBe(45);
    for (const line of lines) expect(line.length).toBe(width);
    expect(lines.length).toBe(Math.ceil(45 / 2));
    expect(lines[0]?.trim()).toBe('');
    // Top-left and top-right finder patterns start the first drawn row.
    expect(lines[1]?.startsWith('  █▀▀▀▀▀█')).toBe(true);
    expect(lines[1]?.endsWith('█▀▀▀▀▀█  ')).toBe(true);
  });

  it('is deterministic and depends on the payload', () => {
    expect(renderQr(payload)).toBe(renderQr(payload.slice()));
    const other = payload.slice();
    other[0] = (other[0] ?? 0) ^ 1;
    expect(renderQr(other)).not.toBe(renderQr(payload));
  });
});
