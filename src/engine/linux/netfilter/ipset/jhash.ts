/**
 * Bob Jenkins' lookup3 hash as the Linux kernel implements it (`jhash2` over 32-bit words). ipset
 * hashes each element's in-memory bytes with the set's `initval`, so implementing it exactly gives
 * the kernel's bucket for every element, and with it the order `ipset list` prints.
 */

const JHASH_INITVAL = 0xdeadbeef;

function rol32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** jhash2(k, length, initval): `words` are the element's bytes read as little-endian u32s. */
export function jhash2(words: readonly number[], initval: number): number {
  let length = words.length;
  let a = (JHASH_INITVAL + (length << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  while (length > 3) {
    a = (a + (words[i] ?? 0)) >>> 0;
    b = (b + (words[i + 1] ?? 0)) >>> 0;
    c = (c + (words[i + 2] ?? 0)) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rol32(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rol32(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rol32(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rol32(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rol32(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rol32(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 3;
    i += 3;
  }
  if (length === 0) return c;
  if (length === 3) c = (c + (words[i + 2] ?? 0)) >>> 0;
  if (length >= 2) b = (b + (words[i + 1] ?? 0)) >>> 0;
  a = (a + (words[i] ?? 0)) >>> 0;
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  c = ((c ^ b) - rol32(b, 24)) >>> 0;
  return c;
}

/** A network-order IPv4 address as the kernel's little-endian u32 load sees it. */
export function beWord(addr: number): number {
  return (((addr & 0xff) << 24) | (((addr >>> 8) & 0xff) << 16) | (((addr >>> 16) & 0xff) << 8) | (addr >>> 24)) >>> 0;
}
