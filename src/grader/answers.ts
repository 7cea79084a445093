/**
 * How a typed answer compares with the values computed from the engine. Learners paste what the
 * tools print, so an address may come with its prefix (`10.244.0.12/24`) or inside a route line,
 * and an interface name with its `@ifN` suffix or a trailing colon.
 */
import type { AnswerCheck } from '../../exercises/types.ts';

const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/g;

function canonicalIpv4(text: string): string | undefined {
  const octets = text.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o > 255)) return undefined;
  return octets.join('.');
}

export function compareAnswer(
  kind: AnswerCheck<unknown>['compare'],
  value: string,
  expected: readonly string[],
): boolean {
  if (expected.length === 0) return false;
  if (kind === 'ipv4') {
    const found = new Set([...value.matchAll(IPV4)].map((m) => canonicalIpv4(m[1] as string)));
    if (found.size !== 1) return false;
    const [only] = found;
    return only !== undefined && expected.includes(only);
  }
  const name = value.trim().replace(/:$/, '').replace(/@\S*$/, '');
  return expected.includes(name);
}
