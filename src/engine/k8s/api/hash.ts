/** The deployment controller's pod-template-hash (pkg/controller ComputeHash). */
import { fnv32a, safeEncodeString } from './names.ts';
import { spewPodTemplateSpec } from './spew.ts';

/**
 * FNV-32a over spew's dump of the defaulted template, then (when the Deployment has one) the
 * collision count as 8 little-endian bytes, printed in decimal and re-encoded with SafeEncodeString.
 */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(spewPodTemplateSpec(template));
  if (collisionCount !== undefined) {
    const bytes = [
      collisionCount & 0xff,
      (collisionCount >>> 8) & 0xff,
      (collisionCount >>> 16) & 0xff,
      collisionCount >>> 24,
      0,
      0,
      0,
      0,
    ];
    for (const b of bytes) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return safeEncodeString(String(h >>> 0));
}
