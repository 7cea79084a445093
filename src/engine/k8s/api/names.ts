/**
 * Kubernetes' generated names: k8s.io/apimachinery/pkg/util/rand's alphabet (no vowels, no
 * look-alike digits), its SafeEncodeString, and the 5-character suffix generateName adds.
 */
import type { Rng } from '../../sim.ts';

/** util/rand's `alphanums`: "bcdfghjklmnpqrstvwxz2456789". */
export const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: every byte replaced by alphanums[byte % 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** rand.String(n): what the API server appends to a generateName. */
export function randomSuffix(rng: Rng, n = 5): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHANUMS[rng.int(0, ALPHANUMS.length - 1)];
  return out;
}

/** An RFC 4122 version-4 UUID drawn from the simulation's generator (metadata.uid). */
export function uuid4(rng: Rng): string {
  const b = rng.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text` (Go's hash/fnv New32a). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
