/** The byte buffer and cursor under every codec (network byte order, RFC 8446 §3.3). */
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../src/index.ts';
import { bytes, codeOf, errorOf } from './helpers.ts';

describe('Writer', () => {
  it('grows from a capacity of one and keeps every byte', () => {
    const writer = new Writer({ initialCapacity: 1 });
    for (let i = 0; i < 5000; i++) writer.writeUint8(i & 0xff);
    writer.writeBytes(new Uint8Array(10_000).fill(7));
    const out = writer.finish();
    expect(out.length).toBe(15_000);
    expect(out.subarray(0, 5000).every((b, i) => b === (i & 0xff))).toBe(true);
    expect(out.subarray(5000).every((b) => b === 7)).toBe(true);
  });

  it('inserts in front of written bytes', () => {
    const writer = new Writer({ initialCapacity: 2 });
    writer.writeBytes(bytes(1, 2, 3));
    writer.insert(1, bytes(8, 9));
    writer.insert(5, bytes(4));
    expect(writer.finish()).toEqual(bytes(1, 8, 9, 2, 3, 4));
    expect(codeOf(() => writer.insert(7, bytes(0)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => writer.insert(-1, bytes(0)))).toBe('INVALID_ARGUMENT');
  });

  it('finish() returns a copy', () => {
    const writer = new Writer();
    writer.writeUint32(0x01020304);
    const first = writer.finish();
    first[0] = 0xff;
    expect(writer.finish()).toEqual(bytes(1, 2, 3, 4));
  });

  it('rejects bad options', () => {
    expect(codeOf(() => new Writer({ initialCapacity: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Writer({ maxDepth: 0 }))).toBe('INVALID_ARGUMENT');
  });

  it('bounds nesting', () => {
    const writer = new Writer({ maxDepth: 2 });
    writer.enter();
    writer.enter();
    expect(codeOf(() => writer.enter())).toBe('INVALID_ARGUMENT');
    writer.leave();
    expect(codeOf(() => writer.enter())).toBe('no error');
  });
});

describe('Reader', () => {
  it('reads big-endian integers and copies bytes', () => {
    const input = bytes(1, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfd, 9, 8);
    const reader = new Reader(input);
    expect(reader.readUint8()).toBe(1);
    expect(reader.readUint16()).toBe(0xfffe);
    expect(reader.readUint32()).toBe(0xfffffffd);
    const rest = reader.readBytes(2);
    expect(rest).toEqual(bytes(9, 8));
    input[7] = 0;
    expect(rest).toEqual(bytes(9, 8));
    expect(reader.remaining).toBe(0);
    expect(reader.offset).toBe(9);
  });

  it('checks the remaining length before reading', () => {
    const reader = new Reader(bytes(1, 2, 3));
    reader.readUint8();
    const err = errorOf(() => reader.readUint32());
    expect(err.code).toBe('CODEC_TRUNCATED');
    expect(err.category).toBe('Codec');
    expect(err.details).toEqual({ offset: 1, needed: 4, available: 2 });
    expect(reader.offset).toBe(1);
    expect(codeOf(() => reader.readBytes(2 ** 30))).toBe('CODEC_TRUNCATED');
  });

  it('within() confines reads and requires them to use every byte', () => {
    const reader = new Reader(bytes(1, 2, 3, 4));
    expect(codeOf(() => reader.within(2, () => reader.readUint32()))).toBe('CODEC_TRUNCATED');
    expect(reader.remaining).toBe(4);
    expect(codeOf(() => reader.within(2, () => reader.readUint8()))).toBe('CODEC_TRAILING_BYTES');
    expect(reader.remaining).toBe(3);
    expect(codeOf(() => reader.within(5, () => 0))).toBe('CODEC_TRUNCATED');
  });

  it('rejects bad input and options', () => {
    expect(codeOf(() => new Reader([1] as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Reader(bytes(), { maxVectorLength: -1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new Reader(bytes(), { maxDepth: 0 }))).toBe('INVALID_ARGUMENT');
  });

  it('bounds nesting with CODEC_LENGTH_TOO_LARGE', () => {
    const reader = new Reader(bytes(), { maxDepth: 1 });
    reader.enter();
    expect(codeOf(() => reader.enter())).toBe('CODEC_LENGTH_TOO_LARGE');
  });
});
