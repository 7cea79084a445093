/**
 * The docker CLI's formatting pieces: Go's tabwriter as docker configures it (minwidth 10,
 * padding 3), go-units HumanDuration, the PORTS column's grouping of published ports, and the
 * truncation of long cells with an ellipsis.
 */
import type { PortMapping } from '../../engine/k8s/cluster/scenario.ts';

/** text/tabwriter with docker's settings: each column as wide as its widest cell + 3, at least 10. */
export function tabwrite(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      if (i === row.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length + 3, 10);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
        .join(''),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** go-units HumanDuration. */
export function humanDuration(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(micros / 60e6);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(micros / 3600e6 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(micros / 3600e6 / 24 / 365)} years`;
}

/** The CLI's Ellipsis: at most `max` runes, the last one `…` when cut. */
export function ellipsis(text: string, max: number): string {
  const runes = [...text];
  return runes.length <= max ? text : `${runes.slice(0, max - 1).join('')}…`;
}

/** api/types DisplayablePorts: consecutive ports of one address and protocol become a range. */
export function displayablePorts(ports: readonly PortMapping[]): string {
  const sorted = [...ports].sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      a.hostPort - b.hostPort ||
      a.protocol.localeCompare(b.protocol) ||
      a.listenAddress.localeCompare(b.listenAddress),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  const form = (key: string, first: number, last: number) => {
    const [ip, proto] = key.split('/') as [string, string];
    const range = first === last ? `${first}` : `${first}-${last}`;
    return `${ip}:${range}->${range}/${proto}`;
  };
  for (const p of sorted) {
    const proto = p.protocol.toLowerCase();
    if (p.hostPort !== p.containerPort) {
      hostMappings.push(`${p.listenAddress}:${p.hostPort}->${p.containerPort}/${proto}`);
      continue;
    }
    const key = `${p.listenAddress}/${proto}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { first: p.containerPort, last: p.containerPort });
    else if (p.containerPort === group.last + 1) group.last = p.containerPort;
    else {
      result.push(form(key, group.first, group.last));
      groups.set(key, { first: p.containerPort, last: p.containerPort });
    }
  }
  for (const [key, g] of groups) result.push(form(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}

/** RFC 3339 with nanoseconds, as Go marshals a time.Time (trailing zeros trimmed). */
export function rfc3339Nano(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
  const frac = String(Math.floor(micros % 1e6))
    .padStart(6, '0')
    .concat('000')
    .replace(/0+$/, '');
  return `${iso}${frac === '' ? '' : `.${frac}`}Z`;
}
