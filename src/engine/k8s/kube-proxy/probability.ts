/**
 * The probability of the i-th of n endpoint jumps, 1/(n-i), as kube-proxy writes it: Go's "%0.10f",
 * which rounds the exact binary value half to even (JavaScript's toFixed rounds ties up, which
 * differs for 1/2048 = 0.00048828125).
 */

const cache: string[] = [];

function format(n: number): string {
  const digits = (1 / n).toFixed(40);
  const dot = digits.indexOf('.');
  const kept = digits.slice(0, dot + 11);
  const rest = digits.slice(dot + 11);
  if (!/^50*$/.test(rest)) return (1 / n).toFixed(10);
  const last = Number(kept[kept.length - 1]);
  if (last % 2 === 0) return kept;
  return (1 / n).toFixed(10);
}

export function probability(n: number): string {
  let text = cache[n];
  if (text === undefined) {
    text = format(n);
    cache[n] = text;
  }
  return text;
}
