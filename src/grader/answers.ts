/**
 * How a typed answer compares with the values computed from the engine. Learners paste what the
 * tools print, so an address may come with its prefix (`10.244.0.12/24`) or inside a route line,
 * and an interface name with its `@ifN` suffix or a trailing colon.
 */
import type { AnswerCheck, AnyLab, World } from '../../exercises/types.ts';

const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/g;

function canonicalIpv4(text: string): string | undefined {
  const octets = text.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o > 255)) return undefined;
  return octets.join('.');
}

/** How far a typed number may be from the expected one: `0.333` stands for kube-proxy's 0.33333333349. */
const NUMBER_TOLERANCE = 0.0005;

/** A decimal (`0.5`, `.5`, `50%`) or a fraction (`1/2`); undefined for anything else. */
function parseNumber(text: string): number | undefined {
  const t = text.trim();
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (fraction) return Number(fraction[2]) === 0 ? undefined : Number(fraction[1]) / Number(fraction[2]);
  const percent = /^(\d*\.?\d+)\s*%$/.exec(t);
  if (percent) return Number(percent[1]) / 100;
  return /^\d*\.?\d+$/.test(t) ? Number(t) : undefined;
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
  if (kind === 'number') {
    const given = parseNumber(value);
    return given !== undefined && expected.some((e) => Math.abs(Number(e) - given) <= NUMBER_TOLERANCE);
  }
  if (kind === 'name')
    return expected.includes(
      value
        .trim()
        .replace(/^["'`]|["'`]$/g, '')
        .replace(/:$/, ''),
    );
  const name = value.trim().replace(/:$/, '').replace(/@\S*$/, '');
  return expected.includes(name);
}

/** An answer as judged when it was given: the engine's values at that moment (empty for a choice). */
export interface GivenAnswer {
  value: string;
  ok: boolean;
  expected: string[];
}

/** Judges an answer to `task/check` against the world as it is now; undefined when the lab has no such check. */
export function judgeAnswer(
  lab: AnyLab,
  world: World<unknown>,
  task: string,
  check: string,
  value: string,
): GivenAnswer | undefined {
  const found = lab.tasks.find((t) => t.id === task)?.checks.find((c) => c.id === check);
  if (found?.kind === 'answer') {
    const expected = found.expected(world);
    return { value, expected, ok: compareAnswer(found.compare, value, expected) };
  }
  if (found?.kind === 'choice') return { value, expected: [], ok: value === found.correct };
  return undefined;
}
