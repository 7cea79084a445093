/**
 * The canonical order kube-proxy's unit tests compare restore texts in (sortIPTablesRules in
 * proxier_test.go), which hides the random order Go's map iteration gives services:
 * tables by name; chains KUBE-NODEPORTS, KUBE-SERVICES, then other KUBE-* chains, then the rest,
 * alphabetically; each chain's rules together in that order; KUBE-NODEPORTS and KUBE-SERVICES rules
 * stably sorted by the service name in their comment, with nat's "must be the last rule" rule kept
 * last; `-X` lines after the rules. Only the order of rules within a chain matters to the kernel,
 * and that order is kept except in the two sorted chains.
 */

interface Table {
  name: string;
  chains: string[];
  rules: Map<string, string[]>;
  deleted: string[];
}

function chainOf(rule: string): string {
  const end = rule.indexOf(' ', 3);
  return end < 0 ? rule.slice(3) : rule.slice(3, end);
}

/** The value of a rule's `--comment`, unquoted; null when it has none. */
export function commentOf(rule: string): string | null {
  const at = rule.indexOf(' --comment ');
  if (at < 0) return null;
  const start = at + ' --comment '.length;
  if (rule[start] === '"') {
    const end = rule.indexOf('"', start + 1);
    return rule.slice(start + 1, end < 0 ? undefined : end);
  }
  const end = rule.indexOf(' ', start);
  return rule.slice(start, end < 0 ? undefined : end);
}

function serviceNameOf(rule: string): string | null {
  const comment = commentOf(rule);
  if (comment === null) return null;
  const cut = comment.search(/[ :]/);
  return cut < 0 ? comment : comment.slice(0, cut);
}

function chainRank(name: string): number {
  if (name === 'KUBE-NODEPORTS') return 0;
  if (name === 'KUBE-SERVICES') return 1;
  return name.startsWith('KUBE-') ? 2 : 3;
}

function compareChains(a: string, b: string): number {
  return chainRank(a) - chainRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function byServiceName(rules: string[], keepLast: boolean): string[] {
  const keyed = rules.map((rule) => ({
    rule,
    name: serviceNameOf(rule),
    last: keepLast && (commentOf(rule) ?? '').includes('must be the last rule'),
  }));
  keyed.sort((a, b) => {
    if (a.last !== b.last) return a.last ? 1 : -1;
    if (a.name === null || b.name === null) return 0;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return keyed.map((k) => k.rule);
}

export function sortRestoreText(text: string): string {
  const tables: Table[] = [];
  let current: Table | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = { name: line.slice(1), chains: [], rules: new Map(), deleted: [] };
      tables.push(current);
    } else if (!current || line === 'COMMIT' || line === '' || line.startsWith('#')) {
      if (line === 'COMMIT') current = null;
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      current.chains.push(name);
      if (!current.rules.has(name)) current.rules.set(name, []);
    } else if (line.startsWith('-A ')) {
      const chain = chainOf(line);
      let list = current.rules.get(chain);
      if (!list) {
        list = [];
        current.rules.set(chain, list);
      }
      list.push(line);
    } else if (line.startsWith('-X ')) {
      current.deleted.push(line.slice(3).trim());
    }
  }
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '';
  for (const table of tables) {
    const chains = [...table.chains].sort(compareChains);
    out += `*${table.name}\n`;
    for (const chain of chains) out += `:${chain} - [0:0]\n`;
    for (const chain of chains) {
      let rules = table.rules.get(chain) ?? [];
      if (chain === 'KUBE-NODEPORTS' || chain === 'KUBE-SERVICES') {
        rules = byServiceName(rules, table.name === 'nat' && chain === 'KUBE-SERVICES');
      }
      for (const rule of rules) out += `${rule}\n`;
    }
    for (const chain of [...table.deleted].sort(compareChains)) out += `-X ${chain}\n`;
    out += 'COMMIT\n';
  }
  return out;
}
