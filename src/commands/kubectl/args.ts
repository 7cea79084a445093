/**
 * kubectl's command line as pflag reads it: flags anywhere, `--flag=value`, `-o yaml`, `-oyaml`,
 * `-o=yaml`, and `--` ending the flags. Unknown flags get pflag's errors.
 */

/** Flags that take a value, by every spelling. */
const VALUE_FLAGS: Record<string, string> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '-o': 'output',
  '--output': 'output',
  '-l': 'selector',
  '--selector': 'selector',
  '-f': 'filename',
  '--filename': 'filename',
  '-p': 'patch',
  '--patch': 'patch',
  '--type': 'type',
  '--replicas': 'replicas',
  '--image': 'image',
  '--port': 'port',
  '--target-port': 'target-port',
  '--name': 'name',
  '--protocol': 'protocol',
  '--tcp': 'tcp',
  '--node-port': 'node-port',
  '--from-literal': 'from-literal',
  '--dry-run': 'dry-run',
  '--field-selector': 'field-selector',
  '--sort-by': 'sort-by',
  '--context': 'context',
  '--kubeconfig': 'kubeconfig',
  '--grace-period': 'grace-period',
  '--timeout': 'timeout',
  '--field-manager': 'field-manager',
  '--validate': 'validate',
  '--cascade': 'cascade',
  '-c': 'container',
  '--container': 'container',
  '--current-replicas': 'current-replicas',
  '--cluster-ip': 'cluster-ip',
  '--external-ip': 'external-ip',
  '--labels': 'labels',
  '--request-timeout': 'request-timeout',
  '-v': 'v',
};

const BOOL_FLAGS: Record<string, string> = {
  '-A': 'all-namespaces',
  '--all-namespaces': 'all-namespaces',
  '--show-labels': 'show-labels',
  '-w': 'watch',
  '--watch': 'watch',
  '--all': 'all',
  '--force': 'force',
  '--no-headers': 'no-headers',
  '-R': 'recursive',
  '--recursive': 'recursive',
  '--ignore-not-found': 'ignore-not-found',
  '--wait': 'wait',
  '--now': 'now',
  '--show-managed-fields': 'show-managed-fields',
  '-h': 'help',
  '--help': 'help',
  '--client': 'client',
  '-i': 'stdin',
  '--stdin': 'stdin',
  '-t': 'tty',
  '--tty': 'tty',
  '--overwrite': 'overwrite',
  '--server-side': 'server-side',
};

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
  /** Words after `--`. */
  rest: string[];
}

export function parseArgs(args: string[]): ParsedArgs | { error: string } {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') return { positional, flags, rest: args.slice(i + 1) };
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      const long = VALUE_FLAGS[name];
      if (long) {
        if (eq >= 0) add(long, a.slice(eq + 1));
        else if (i + 1 < args.length) add(long, args[++i] ?? '');
        else return { error: `flag needs an argument: ${name}` };
        continue;
      }
      const b = BOOL_FLAGS[name];
      if (b) {
        add(b, eq < 0 ? 'true' : a.slice(eq + 1));
        continue;
      }
      return { error: `unknown flag: ${name}` };
    }
    if (a.startsWith('-') && a.length > 1) {
      const short = a.slice(0, 2);
      const long = VALUE_FLAGS[short];
      if (long) {
        const inline = a.slice(2);
        if (inline !== '') add(long, inline.startsWith('=') ? inline.slice(1) : inline);
        else if (i + 1 < args.length) add(long, args[++i] ?? '');
        else return { error: `flag needs an argument: '${short.slice(1)}' in ${short}` };
        continue;
      }
      let ok = true;
      for (const ch of a.slice(1)) {
        const b = BOOL_FLAGS[`-${ch}`];
        if (!b) {
          ok = false;
          return { error: `unknown shorthand flag: '${ch}' in ${a}` };
        }
        add(b, 'true');
      }
      if (ok) continue;
    }
    positional.push(a);
  }
  return { positional, flags, rest: [] };
}

export function flag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return v === undefined ? undefined : v[v.length - 1];
}

export function flagAll(p: ParsedArgs, name: string): string[] {
  return p.flags.get(name) ?? [];
}

export function bool(p: ParsedArgs, name: string): boolean {
  const v = flag(p, name);
  return v !== undefined && v !== 'false';
}
