import fc from 'fast-check';
import { isRequestId, newRequestId, REQUEST_ID_ALPHABET } from '../../../src/domain/requestId';

/** A byte source that plays back `bytes`, then repeats the last one. */
function playback(bytes: number[]): (n: number) => Uint8Array {
  let position = 0;
  return (n) => Uint8Array.from({ length: n }, () => bytes[Math.min(position++, bytes.length - 1)] ?? 0);
}

describe('newRequestId', () => {
  test('maps bytes onto the alphabet', () => {
    expect(newRequestId(playback([0, 1, 2, 3, 4, 5, 6, 7, 8, 30]))).toBe('23456789az');
  });

  test('skips bytes that would bias the choice (248 and above)', () => {
    expect(newRequestId(playback([255, 248, 0, 1, 2, 3, 4, 5, 6, 7, 8, 30]))).toBe('23456789az');
  });

  test('asks for more bytes when a draw had too few usable ones', () => {
    const bytes = [...Array<number>(20).fill(250), 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(newRequestId(playback(bytes))).toBe('3333333333');
  });

  test('gives up on a byte source that never yields a usable byte', () => {
    expect(() => newRequestId(() => new Uint8Array(20).fill(255))).toThrow('no usable bytes');
  });

  test('always makes an id isRequestId accepts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 64 }), (bytes) => {
        const source = (n: number) => Uint8Array.from({ length: n }, (_, i) => bytes[i % bytes.length] ?? 0);
        if (bytes.every((byte) => byte >= 248)) return;
        expect(isRequestId(newRequestId(source))).toBe(true);
      }),
    );
  });

  test('uses no look-alike characters', () => {
    expect(REQUEST_ID_ALPHABET).not.toMatch(/[01ilo]/);
  });
});

describe('isRequestId', () => {
  test.each([
    ['a valid id', '7k3mq9xw2p', true],
    ['too short', '7k3mq9xw2', false],
    ['too long', '7k3mq9xw2pp', false],
    ['upper case', '7K3MQ9XW2P', false],
    ['a look-alike (o)', '7k3mq9xw2o', false],
    ['a path', '../../etc', false],
    ['empty', '', false],
  ])('%s → %s', (_description, text, expected) => {
    expect(isRequestId(text)).toBe(expected);
  });
});
