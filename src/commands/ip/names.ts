/** iproute2's name tables: scopes, protocols and route tables (/etc/iproute2/rt_*). */
import { PROTO, RT_TABLE, SCOPE } from '../../engine/linux/fib.ts';
import { IpError } from './errors.ts';

const SCOPE_NAMES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

export function scopeName(scope: number): string {
  return SCOPE_NAMES[scope] ?? String(scope);
}

export function parseScope(text: string): number {
  const entry = Object.entries(SCOPE).find(([name]) => name === text);
  if (entry) return entry[1];
  if (/^\d+$/.test(text) && Number(text) < 256) return Number(text);
  throw new IpError(`Error: argument "${text}" is wrong: invalid scope value.`, 255);
}

const PROTO_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PROTO).map(([name, n]) => [n, name]));

export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? String(proto);
}

export function parseProto(text: string): number {
  const known = PROTO[text];
  if (known !== undefined) return known;
  if (/^\d+$/.test(text) && Number(text) < 256) return Number(text);
  throw new IpError(`Error: argument "${text}" is wrong: "protocol" value is invalid\n`, 255);
}

export function tableName(id: number): string {
  if (id === RT_TABLE.local) return 'local';
  if (id === RT_TABLE.main) return 'main';
  if (id === RT_TABLE.default) return 'default';
  return String(id);
}

export function parseTable(text: string): number | 'all' {
  if (text === 'all') return 'all';
  if (text === 'local') return RT_TABLE.local;
  if (text === 'main') return RT_TABLE.main;
  if (text === 'default') return RT_TABLE.default;
  if (/^\d+$/.test(text)) return Number(text);
  throw new IpError(`Error: argument "${text}" is wrong: "table" value is invalid\n`, 255);
}
