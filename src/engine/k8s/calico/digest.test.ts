import { describe, expect, it } from 'vitest';
import { base64UrlNoPad, hex, sha1, sha224, utf8 } from './digest.ts';

// Expected digests from Python's hashlib (FIPS 180-4 known answers for "" and "abc").
const VECTORS: [string, string, string][] = [
  ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f'],
  ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d', '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'],
  [
    'a'.repeat(55),
    'c1c8bbdc22796e28c0e15163d20899b65621d65a',
    'fb0bd626a70c28541dfa781bb5cc4d7d7f56622a58f01a0b1ddd646f',
  ],
  [
    'a'.repeat(56),
    'c2db330f6083854c99d4b5bfb6e8f29f201be699',
    'd40854fc9caf172067136f2e29e1380b14626bf6f0dd06779f820dcd',
  ],
  [
    'a'.repeat(64),
    '0098ba824b5c16427bd7a1122a5a442a25ec644d',
    'a88cd5cde6d6fe9136a4e58b49167461ea95d388ca2bdb7afdc3cbf4',
  ],
  [
    'a'.repeat(119),
    'ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56',
    'e000e6709d26667b631faa7fc1bd404eb4774003c5fb4f51a0184875',
  ],
  [
    'The quick brown fox jumps over the lazy dog',
    '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
    '730e109bd7a8a32b1cb9d9a09aa2325d2430587ddbc0c38bad911525',
  ],
  ['ünïcödé', 'bf5f8ac304f8a364c02e108151c3a18c4c6eb4ce', '6418eae2c99f579fce9ca135f3a9a157be6587d42b74f46e7a6781de'],
];

describe('digests', () => {
  for (const [text, s1, s224] of VECTORS) {
    it(`sha1 and sha224 of ${JSON.stringify(text.slice(0, 12))} (${text.length} chars)`, () => {
      expect(hex(sha1(utf8(text)))).toBe(s1);
      expect(hex(sha224(utf8(text)))).toBe(s224);
    });
  }

  it('base64url without padding', () => {
    expect(base64UrlNoPad(new Uint8Array([]))).toBe('');
    expect(base64UrlNoPad(utf8('f'))).toBe('Zg');
    expect(base64UrlNoPad(utf8('fo'))).toBe('Zm8');
    expect(base64UrlNoPad(utf8('foo'))).toBe('Zm9v');
    expect(base64UrlNoPad(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
  });
});
