// iptables-restore, iptables-save and one new-connection walk on a kube-proxy rule set of 10,000
// Services × 3 endpoints (about 117,500 rules, the shape kube-proxy writes for a large cluster), on
// the engine and, when run as root, on the real iptables-restore in a throwaway network namespace.
// Both sides restore without --noflush: the real iptables-nft-restore --noflush of this text takes
// minutes (it re-reads its cache per rule), which would make the comparison meaningless.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIptablesRestore } from '../../src/commands/iptables/restore.ts';
import { runIptablesSave } from '../../src/commands/iptables/save.ts';
import { evaluate } from '../../src/engine/linux/netfilter/eval.ts';
import { createNetfilterState } from '../../src/engine/linux/netfilter/state.ts';
import type { NetfilterState } from '../../src/engine/linux/netfilter/types.ts';
import type { BenchContext } from './run.ts';

const SERVICES = 10_000;

/** kube-proxy's chain-name hash: base32(sha256(text))[:16]. */
function hash(text: string): string {
  const bytes = createHash('sha256').update(text).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function quad(n: number, first: number): string {
  return `${first}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A kube-proxy style restore text (large-cluster mode: no comments on endpoint rules). */
function bigRestoreText(n: number): string {
  const chains: string[] = [':KUBE-SERVICES - [0:0]', ':KUBE-NODEPORTS - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
  const rules: string[] = [
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  ];
  for (let i = 0; i < n; i++) {
    const name = `ns/svc${i}:p80`;
    const h = hash(`${name}tcp`);
    const ip = `172.${20 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}`;
    chains.push(`:KUBE-SVC-${h} - [0:0]`);
    rules.push(
      `-A KUBE-SERVICES -m comment --comment "${name} cluster IP" -m tcp -p tcp -d ${ip} --dport 80 -j KUBE-SVC-${h}`,
      `-A KUBE-SVC-${h} -m comment --comment "${name} cluster IP" -m tcp -p tcp -d ${ip} --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`,
    );
    if (i % 4 === 0) {
      chains.push(`:KUBE-EXT-${h} - [0:0]`);
      rules.push(
        `-A KUBE-NODEPORTS -m comment --comment ${name} -m tcp -p tcp --dport ${30000 + ((i / 4) % 2767)} -j KUBE-EXT-${h}`,
        `-A KUBE-EXT-${h} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ`,
        `-A KUBE-EXT-${h} -j KUBE-SVC-${h}`,
      );
    }
    for (let k = 0; k < 3; k++) {
      const ep = quad(i * 3 + k, 10);
      const sep = `KUBE-SEP-${hash(`${name}tcp${ep}:8080`)}`;
      chains.push(`:${sep} - [0:0]`);
      const stat =
        k === 0
          ? '-m statistic --mode random --probability 0.3333333333 '
          : k === 1
            ? '-m statistic --mode random --probability 0.5000000000 '
            : '';
      rules.push(
        `-A KUBE-SVC-${h} ${stat}-j ${sep}`,
        `-A ${sep} -s ${ep} -j KUBE-MARK-MASQ`,
        `-A ${sep} -m tcp -p tcp -j DNAT --to-destination ${ep}:8080`,
      );
    }
  }
  rules.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  return `*nat\n${chains.join('\n')}\n${rules.join('\n')}\nCOMMIT\n`;
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

function realRestore(ctx: BenchContext, text: string): void {
  if (process.getuid?.() !== 0) {
    console.log('  (real iptables-restore skipped: not root)');
    return;
  }
  if (spawnSync('iptables-restore', ['--version']).status !== 0) {
    console.log('  (real iptables-restore skipped: not installed)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ipt-bench-'));
  const file = join(dir, 'rules.txt');
  writeFileSync(file, text);
  const ns = `hC-bench-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const start = performance.now();
    const restore = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', `iptables-restore < ${file}`]);
    const restoreMs = performance.now() - start;
    if (restore.status !== 0) {
      console.log(`  (real iptables-restore failed: ${restore.stderr.toString().trim()})`);
      return;
    }
    ctx.report('real iptables-restore (nf_tables)', restoreMs, 'ms');
    const saveStart = performance.now();
    spawnSync('ip', ['netns', 'exec', ns, 'iptables-save'], { maxBuffer: 1 << 30 });
    ctx.report('real iptables-save', performance.now() - saveStart, 'ms');
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (ctx: BenchContext): Promise<void> {
  const text = bigRestoreText(SERVICES);
  const ruleCount = text.split('\n').filter((l) => l.startsWith('-A')).length;
  ctx.report('rules in the restore text', ruleCount, 'rules', `${SERVICES} Services x 3 endpoints`);

  let state: NetfilterState = createNetfilterState();
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const fresh = createNetfilterState();
    const [out, ms] = time(() => runIptablesRestore(['iptables-restore'], text, fresh, { now: 0 }));
    if (out.exitCode !== 0) throw new Error(out.stderr);
    if (run === 0) ctx.report('engine iptables-restore (first run)', ms, 'ms');
    best = Math.min(best, ms);
    state = fresh;
  }
  ctx.report('engine iptables-restore (best of 3)', best, 'ms');

  const [saved, saveMs] = time(() => runIptablesSave(['iptables-save'], state, { now: 0 }));
  ctx.report('engine iptables-save', saveMs, 'ms', `${saved.stdout.length} bytes`);

  const last = SERVICES - 1;
  const packet = () => ({
    src: 0x0a640005,
    dst: (((172 << 24) | ((20 + (last >>> 16)) << 16) | (((last >>> 8) & 255) << 8) | (last & 255)) >>> 0) as number,
    proto: 6,
    sport: 40000,
    dport: 80,
    mark: 0,
    length: 60,
    ctState: 'NEW' as const,
    srcType: 'UNICAST' as const,
    dstType: 'UNICAST' as const,
  });
  const [walk, walkMs] = time(() => evaluate(state, 'nat', 'PREROUTING', packet(), { now: 0, random: () => 0.9 }));
  if (walk.nat?.type !== 'DNAT') throw new Error('walk did not reach a DNAT');
  ctx.report('engine nat PREROUTING walk to the last Service', walkMs * 1000, 'µs', `${walk.hits.length} rules hit`);
  const rounds = 200;
  const [, manyMs] = time(() => {
    for (let k = 0; k < rounds; k++) evaluate(state, 'nat', 'PREROUTING', packet(), { now: 0, random: () => 0.9 });
  });
  ctx.report('engine nat PREROUTING walk, mean of 200', (manyMs / rounds) * 1000, 'µs');

  realRestore(ctx, text);
}
