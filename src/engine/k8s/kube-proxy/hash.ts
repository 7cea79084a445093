/**
 * The hashes behind kube-proxy's chain names: SHA-256 of the UTF-8 text, encoded with RFC 4648
 * base32 (upper case, A-Z2-7) and cut to 16 characters.
 */
import { sha256 } from '../../digest/sha2.ts';

const encoder = new TextEncoder();

export function sha256Hex(text: string): string {
  return Array.from(sha256(encoder.encode(text)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 with padding, as Go's base32.StdEncoding writes it. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

/** kube-proxy's 16-character name hash: base32(sha256(text))[:16]; 16 characters are the first 10 bytes. */
export function chainHash(text: string): string {
  return base32(sha256(encoder.encode(text)).subarray(0, 10));
}
