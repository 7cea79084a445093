/**
 * SHA-256 and SHA-224 (FIPS 180-4) in pure TypeScript: the engine also runs in the browser, where
 * node:crypto does not exist. kube-proxy's chain names and Calico's names hash with these.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const SHA224_IV = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];

const schedule = new Uint32Array(64);
const state = new Uint32Array(8);
// Reused across calls: chain-name inputs are short, and per-call buffers made garbage collection
// the largest cost when rendering tens of thousands of chains.
let scratch = new Uint8Array(128);

function compress(block: Uint8Array, base: number): void {
  const w = schedule;
  for (let t = 0; t < 16; t++) {
    const i = base + t * 4;
    w[t] =
      (((block[i] as number) << 24) |
        ((block[i + 1] as number) << 16) |
        ((block[i + 2] as number) << 8) |
        (block[i + 3] as number)) >>>
      0;
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15] as number;
    const y = w[t - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) >>> 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + (K[t] as number) + (w[t] as number)) >>> 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + S0 + maj) >>> 0;
  }
  state[0] = (state[0] as number) + a;
  state[1] = (state[1] as number) + b;
  state[2] = (state[2] as number) + c;
  state[3] = (state[3] as number) + d;
  state[4] = (state[4] as number) + e;
  state[5] = (state[5] as number) + f;
  state[6] = (state[6] as number) + g;
  state[7] = (state[7] as number) + h;
}

/** The SHA-2 (32-bit word) digest of `data` from an initial value, cut to `words` words. */
function digest(data: Uint8Array, iv: readonly number[], words: number): Uint8Array {
  // Message, a 0x80 byte, zero padding, then the bit length as a 64-bit big-endian number.
  const length = Math.ceil((data.length + 9) / 64) * 64;
  if (scratch.length < length) scratch = new Uint8Array(length);
  const padded = scratch;
  padded.set(data);
  padded.fill(0, data.length, length);
  padded[data.length] = 0x80;
  const bits = data.length * 8;
  const high = Math.floor(bits / 0x100000000);
  for (let i = 0; i < 4; i++) {
    padded[length - 8 + i] = (high >>> (24 - 8 * i)) & 255;
    padded[length - 4 + i] = (bits >>> (24 - 8 * i)) & 255;
  }
  state.set(iv);
  for (let base = 0; base < length; base += 64) compress(padded, base);
  const out = new Uint8Array(words * 4);
  for (let i = 0; i < words; i++) {
    const word = state[i] as number;
    out[4 * i] = word >>> 24;
    out[4 * i + 1] = (word >>> 16) & 255;
    out[4 * i + 2] = (word >>> 8) & 255;
    out[4 * i + 3] = word & 255;
  }
  return out;
}

/** SHA-256 of a byte string. */
export function sha256(data: Uint8Array): Uint8Array {
  return digest(data, SHA256_IV, 8);
}

/** SHA-224: the SHA-256 compression with its own initial value, cut to 7 words. */
export function sha224(data: Uint8Array): Uint8Array {
  return digest(data, SHA224_IV, 7);
}
