/**
 * The netfilter state of one network namespace and the operations iptables performs on it. Failures
 * are thrown as XtablesError carrying the real tool's words, so every front end reports them alike.
 */
import { ruleSpec } from './format.ts';
import type { Chain, Counters, NetfilterState, Policy, Rule, Table, TableName } from './types.ts';
import { XtablesError } from './types.ts';

/** Built-in chains per table, in the order iptables lists them. */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** The order iptables-nft-save prints tables in, whatever order they were created in. */
export const TABLE_ORDER: readonly TableName[] = ['mangle', 'security', 'raw', 'filter', 'nat'];

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(BUILTIN_CHAINS, name);
}

export function createNetfilterState(): NetfilterState {
  return { tables: new Map(), recent: new Map(), nfacct: new Map(), ipset: null };
}

function zero(): Counters {
  return { packets: 0, bytes: 0 };
}

/** A table as it is before it exists: its built-in chains, policy ACCEPT, no rules. */
export function emptyTable(name: TableName): Table {
  const chains = new Map<string, Chain>();
  for (const chain of BUILTIN_CHAINS[name]) {
    chains.set(chain, { name: chain, policy: 'ACCEPT', counters: zero(), rules: [] });
  }
  return { name, chains, refs: new Map() };
}

/** The table for reading: the real one, or the built-ins a missing table would show. */
export function viewTable(state: NetfilterState, name: TableName): Table {
  return state.tables.get(name) ?? emptyTable(name);
}

/** The table for writing, created with its built-in chains when missing (nft_xt_builtin_init). */
export function ensureTable(state: NetfilterState, name: TableName): Table {
  let table = state.tables.get(name);
  if (!table) {
    table = emptyTable(name);
    state.tables.set(name, table);
  }
  return table;
}

/** A copy whose chains and rule lists can change without touching the original (rules are shared). */
export function cloneTable(table: Table): Table {
  const chains = new Map<string, Chain>();
  for (const [name, chain] of table.chains) {
    chains.set(name, { ...chain, counters: { ...chain.counters }, rules: chain.rules.slice() });
  }
  return { name: table.name, chains, refs: new Map(table.refs), nextHandle: table.nextHandle };
}

/** The next nf_tables handle of a table (chains and rules draw from one counter, from 1). */
function allocHandle(table: Table): number {
  const handle = table.nextHandle ?? 1;
  table.nextHandle = handle + 1;
  return handle;
}

export function isBuiltin(table: Table, chain: string): boolean {
  return BUILTIN_CHAINS[table.name].includes(chain);
}

/** Built-ins first in their fixed order, then user chains sorted by name (strcmp order). */
export function sortedChains(table: Table): Chain[] {
  const builtins: Chain[] = [];
  const users: Chain[] = [];
  for (const chain of table.chains.values()) (chain.policy ? builtins : users).push(chain);
  const order = BUILTIN_CHAINS[table.name];
  builtins.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  users.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return builtins.concat(users);
}

const NO_CHAIN = 'No chain/target/match by that name.';

export function getChain(table: Table, name: string): Chain {
  const chain = table.chains.get(name);
  if (!chain) throw new XtablesError(NO_CHAIN, 1);
  return chain;
}

function jumpTarget(rule: Rule): string | null {
  return rule.target?.kind === 'chain' ? rule.target.name : null;
}

function addRef(table: Table, rule: Rule, delta: number): void {
  const target = jumpTarget(rule);
  if (target !== null) table.refs.set(target, (table.refs.get(target) ?? 0) + delta);
}

/** Puts a rule at 0-based `index` (the end when undefined). */
export function insertRule(table: Table, chain: Chain, rule: Rule, index?: number): void {
  chain.handle ??= allocHandle(table);
  rule.handle = allocHandle(table);
  if (index === undefined || index >= chain.rules.length) chain.rules.push(rule);
  else chain.rules.splice(index, 0, rule);
  addRef(table, rule, 1);
}

export function removeRuleAt(table: Table, chain: Chain, index: number): void {
  const [rule] = chain.rules.splice(index, 1);
  if (rule) addRef(table, rule, -1);
}

export function replaceRuleAt(table: Table, chain: Chain, index: number, rule: Rule): void {
  const old = chain.rules[index];
  if (old) addRef(table, old, -1);
  chain.rules[index] = rule;
  rule.handle = allocHandle(table);
  addRef(table, rule, 1);
}

/** The 0-based index of the first rule equal to `rule` (as iptables compares them), or -1. */
export function findRule(chain: Chain, rule: Rule): number {
  return chain.rules.findIndex((r) => r.spec === rule.spec);
}

export function flushChain(table: Table, chain: Chain): void {
  for (const rule of chain.rules) addRef(table, rule, -1);
  chain.rules = [];
}

export function newChain(table: Table, name: string): void {
  if (table.chains.has(name)) throw new XtablesError('Chain already exists.', 1);
  table.chains.set(name, { name, policy: null, counters: zero(), rules: [], handle: allocHandle(table) });
}

/** Why the kernel refuses to delete a chain (EBUSY when referenced or not empty), or null. */
export function chainBusy(table: Table, chain: Chain): boolean {
  return chain.rules.length > 0 || (table.refs.get(chain.name) ?? 0) > 0;
}

export function deleteChain(table: Table, name: string): void {
  const chain = table.chains.get(name);
  if (!chain || chain.policy) throw new XtablesError(NO_CHAIN, 1);
  if (chainBusy(table, chain)) {
    throw new XtablesError(` CHAIN_DEL failed (Device or resource busy): chain ${name}`, 4);
  }
  table.chains.delete(name);
  table.refs.delete(name);
}

export function renameChain(table: Table, from: string, to: string): void {
  const chain = table.chains.get(from);
  if (!chain || chain.policy) throw new XtablesError(NO_CHAIN, 1);
  if (table.chains.has(to)) throw new XtablesError('File exists.', 1);
  table.chains.delete(from);
  chain.name = to;
  table.chains.set(to, chain);
  const refs = table.refs.get(from) ?? 0;
  table.refs.delete(from);
  if (refs > 0) {
    table.refs.set(to, refs);
    for (const c of table.chains.values()) {
      c.rules = c.rules.map((r) => {
        if (r.target?.kind !== 'chain' || r.target.name !== from) return r;
        const renamed: Rule = { ...r, target: { ...r.target, name: to } };
        renamed.spec = ruleSpec(renamed);
        return renamed;
      });
    }
  }
}

export function setPolicy(table: Table, name: string, policy: string, counters?: Counters): void {
  const chain = table.chains.get(name);
  if (!chain?.policy) throw new XtablesError('Bad built-in chain name.', 1);
  if (policy !== 'ACCEPT' && policy !== 'DROP') throw new XtablesError('Bad policy name.', 1);
  chain.policy = policy as Policy;
  chain.stats = true;
  if (counters) chain.counters = { ...counters };
}

export function zeroChain(chain: Chain): void {
  chain.counters = zero();
  // Zeroing writes a built-in chain's counters, which gives it stats if it exists in the kernel.
  if (chain.policy && (chain.handle !== undefined || chain.stats)) chain.stats = true;
  for (const rule of chain.rules) rule.counters = zero();
}

/** Registers an nfacct object (as `nfacct add NAME` would), so `-m nfacct` rules can use it. */
export function addNfacctObject(state: NetfilterState, name: string): void {
  if (!state.nfacct.has(name)) state.nfacct.set(name, zero());
}
