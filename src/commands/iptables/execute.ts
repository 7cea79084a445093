/**
 * Carries out one parsed iptables command on a table. Shared by `iptables` (which works on the
 * namespace's tables directly) and iptables-restore (which works on a table it commits later).
 */

import {
  chainBusy,
  deleteChain,
  findRule,
  flushChain,
  getChain,
  insertRule,
  newChain,
  removeRuleAt,
  renameChain,
  replaceRuleAt,
  setPolicy,
  sortedChains,
  zeroChain,
} from '../../engine/linux/netfilter/state.ts';
import type { Chain, Table } from '../../engine/linux/netfilter/types.ts';
import { XtablesError } from '../../engine/linux/netfilter/types.ts';
import { checkChainName, type IptablesCommand, kernelCheck } from './parse.ts';
import { type ListFormat, listChain, listRow, listRules, listTable, verboseRule } from './print.ts';

/** Reading a table must not create it; writing creates it with its built-in chains. */
export interface TableAccess {
  view(): Table;
  write(): Table;
  /** iptables-restore checks jump targets when the table is committed; iptables checks at once. */
  deferJump?(chain: string): void;
}

const NO_CHAIN = 'No chain/target/match by that name.';

function listedChain(table: Table, name: string): Chain {
  const chain = table.chains.get(name);
  if (!chain) {
    throw new XtablesError(`chain \`${name}' in table \`${table.name}' is incompatible, use 'nft' tool.`, 1, {
      versioned: true,
    });
  }
  return chain;
}

function batchError(op: string, errno: string, chain: string): XtablesError {
  return new XtablesError(` ${op} failed (${errno}): rule in chain ${chain}`, 4);
}

/** Runs the command; returns what it prints on standard output. */
export function execute(cmd: IptablesCommand, access: TableAccess): string {
  const out = run(cmd, access);
  const echo = cmd.verbose && cmd.rule && 'ACIRD'.includes(cmd.command);
  return echo && cmd.rule ? verboseRule(cmd.rule) + out : out;
}

function run(cmd: IptablesCommand, access: TableAccess): string {
  const chainName = cmd.chain ?? '';
  if (cmd.rule && cmd.jumpChain !== undefined && access.deferJump) access.deferJump(cmd.jumpChain);
  else if (cmd.rule && cmd.jumpChain !== undefined) {
    const target = access.view().chains.get(cmd.jumpChain);
    if (!target || target.policy) throw new XtablesError(`Chain '${cmd.jumpChain}' does not exist`);
  }
  switch (cmd.command) {
    case 'A':
    case 'I':
    case 'R': {
      const rule = cmd.rule;
      if (!rule || !cmd.ruleContext) return '';
      const table = access.write();
      const chain = getChain(table, chainName);
      const op = cmd.command === 'A' ? 'RULE_APPEND' : cmd.command === 'I' ? 'RULE_INSERT' : 'RULE_REPLACE';
      if (cmd.command === 'I' && (cmd.rulenum ?? 1) > chain.rules.length + 1) {
        throw new XtablesError('Index of insertion too big.', 1);
      }
      if (cmd.command === 'R') {
        if (chain.rules.length === 0) throw new XtablesError(NO_CHAIN, 1);
        if ((cmd.rulenum ?? 1) > chain.rules.length) throw new XtablesError('Index of replacement too big.', 1);
      }
      const errno = kernelCheck(rule, cmd.ruleContext);
      if (errno) throw batchError(op, errno, chainName);
      if (cmd.command === 'A') insertRule(table, chain, rule);
      else if (cmd.command === 'I') insertRule(table, chain, rule, (cmd.rulenum ?? 1) - 1);
      else replaceRuleAt(table, chain, (cmd.rulenum ?? 1) - 1, rule);
      return '';
    }
    case 'D': {
      const table = access.view();
      const chain = getChain(table, chainName);
      if (cmd.rulenum !== undefined) {
        if (chain.rules.length === 0) throw new XtablesError(NO_CHAIN, 1);
        if (cmd.rulenum > chain.rules.length) throw new XtablesError('Index of deletion too big.', 1);
        removeRuleAt(table, chain, cmd.rulenum - 1);
        return '';
      }
      const index = cmd.rule ? findRule(chain, cmd.rule) : -1;
      if (index < 0) throw new XtablesError('Bad rule (does a matching rule exist in that chain?).', 1);
      removeRuleAt(table, chain, index);
      return '';
    }
    case 'C': {
      const chain = access.view().chains.get(chainName);
      if (!chain || !cmd.rule || findRule(chain, cmd.rule) < 0) {
        throw new XtablesError('Bad rule (does a matching rule exist in that chain?).', 1);
      }
      return '';
    }
    case 'L': {
      const table = access.view();
      const f: ListFormat = {
        numeric: cmd.numeric,
        verbose: cmd.verbose,
        exact: cmd.exact,
        lineNumbers: cmd.lineNumbers,
      };
      const chains = cmd.chain !== undefined ? [listedChain(table, chainName)] : sortedChains(table);
      if (cmd.rulenum !== undefined) {
        const rule = chains[0]?.rules[cmd.rulenum - 1];
        return rule ? listRow(rule, cmd.rulenum, f) : '';
      }
      let out = cmd.chain !== undefined ? listChain(table, chains[0] as Chain, f) : listTable(table, f);
      if (cmd.zero) out += zero(table, chains, cmd);
      return out;
    }
    case 'S': {
      const table = access.view();
      const chains = cmd.chain !== undefined ? [listedChain(table, chainName)] : sortedChains(table);
      return listRules(table, chains, cmd.verbose, cmd.rulenum);
    }
    case 'F': {
      const table = access.view();
      const chains = cmd.chain !== undefined ? [getChain(table, chainName)] : sortedChains(table);
      let out = '';
      for (const chain of chains) {
        if (cmd.verbose) out += `Flushing chain \`${chain.name}'\n`;
        flushChain(table, chain);
      }
      return out;
    }
    case 'Z': {
      const table = access.view();
      const chains = cmd.chain !== undefined ? [getChain(table, chainName)] : sortedChains(table);
      // nft creates built-in chains lazily: zeroing one that nothing wrote yet finds no chain.
      const only = cmd.chain !== undefined ? chains[0] : undefined;
      if (only?.policy && only.handle === undefined && !only.stats) throw new XtablesError(NO_CHAIN, 1);
      return zero(table, chains, cmd, cmd.chain === undefined);
    }
    case 'N':
      checkChainName(chainName);
      newChain(access.write(), chainName);
      return '';
    case 'X': {
      const table = access.view();
      if (cmd.chain !== undefined) {
        deleteChain(table, chainName);
        return cmd.verbose ? `Deleting chain \`${chainName}'\n` : '';
      }
      const users = sortedChains(table).filter((c) => !c.policy);
      const busy = users.find((c) => chainBusy(table, c));
      if (busy) throw new XtablesError(` CHAIN_DEL failed (Device or resource busy): chain ${busy.name}`, 4);
      let out = '';
      for (const chain of users) {
        if (cmd.verbose) out += `Deleting chain \`${chain.name}'\n`;
        deleteChain(table, chain.name);
      }
      return out;
    }
    case 'P':
      setPolicy(access.write(), chainName, cmd.policy ?? '', cmd.counters);
      return '';
    case 'E':
      checkChainName(cmd.newName ?? '');
      renameChain(access.write(), chainName, cmd.newName ?? '');
      return '';
    default:
      return '';
  }
}

/** With -v, nft names the chains it zeroes; alone, -Z skips built-in chains that have no rules. */
function zero(table: Table, chains: Chain[], cmd: IptablesCommand, skipEmptyBuiltins = false): string {
  let out = '';
  if (cmd.rulenum !== undefined && chains.length === 1) {
    const rule = chains[0]?.rules[cmd.rulenum - 1];
    if (!rule) throw new XtablesError(NO_CHAIN, 1);
    rule.counters = { packets: 0, bytes: 0 };
    return '';
  }
  for (const chain of chains) {
    const named = !(skipEmptyBuiltins && chain.policy && chain.rules.length === 0);
    if (cmd.verbose && named) out += `Zeroing chain \`${chain.name}'\n`;
    zeroChain(chain);
  }
  void table;
  return out;
}
