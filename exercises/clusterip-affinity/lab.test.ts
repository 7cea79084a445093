/**
 * clusterip-affinity: the canonical instance shows seed 002's cluster, the reference session earns
 * every point there and on personal instances, and each wrong answer or skipped step costs exactly
 * its own points.
 */
import { describe, expect, it } from 'vitest';
import { maxPoints } from '../../src/grader/evaluate.ts';
import { type Instance, instanceParams, openLab } from '../../src/grader/instance.ts';
import { gradeLog, pointsByCheck, referenceLog } from '../../src/grader/testing.ts';
import type { LogEvent } from '../types.ts';
import { clusterIpAffinity as lab } from './lab.ts';
import type { PodPlace } from './params.ts';
import { chainNames } from './solution.ts';

const canonical: Instance = { kind: 'canonical' };
const MAX = maxPoints(lab);
/** Personal instances the reference session is graded on (about 0.25 s each). */
const PERSONAL_SEEDS = 50;
/** A grading replays a cluster session (0.3 to 1 s); leave room for a loaded machine. */
const SLOW = { timeout: 30_000 };
const fullPoints = new Map<string, Promise<Record<string, number>>>();

function edit(instance: Instance, change: (event: LogEvent) => LogEvent | undefined): LogEvent[] {
  return referenceLog(lab, instance).flatMap((event) => {
    const changed = change(event);
    return changed ? [changed] : [];
  });
}

async function lost(instance: Instance, log: LogEvent[]): Promise<Record<string, number>> {
  const got = pointsByCheck(await gradeLog(lab, instance, log));
  const key = JSON.stringify(instance);
  if (!fullPoints.has(key))
    fullPoints.set(key, gradeLog(lab, instance, referenceLog(lab, instance)).then(pointsByCheck));
  const full = (await fullPoints.get(key)) as Record<string, number>;
  const out: Record<string, number> = {};
  for (const [key, points] of Object.entries(full)) if (got[key] !== points) out[key] = points - (got[key] ?? 0);
  return out;
}

const answerOf = (task: string, check: string, value: string) => (event: LogEvent) =>
  event.type === 'answer' && event.task === task && event.check === check ? { ...event, value } : event;

const without = (pattern: RegExp) => (event: LogEvent) =>
  event.type === 'command' && pattern.test(event.line) ? undefined : event;

describe('the canonical instance', SLOW, () => {
  it("is seed 002's cluster: whoami answers through svc-clusterip's chains", async () => {
    const { session } = await openLab(lab, canonical);
    const run = async (line: string) => (await session.shell.exec(line)).stdout;
    expect(await run('kubectl get pod -owide')).toContain(
      'webpod1   1/1     Running   0          26m   10.10.1.3   myk8s-worker          <none>           <none>\n',
    );
    expect(await run('kubectl exec net-pod -- curl -s 10.10.1.3')).toMatch(
      /^Hostname: webpod1\nIP: 127\.0\.0\.1\nIP: 10\.10\.1\.3\nRemoteAddr: 10\.10\.0\.6:\d+\nGET \/ HTTP\/1\.1\r\nHost: 10\.10\.1\.3\r\nUser-Agent: curl\/7\.88\.1\r\nAccept: \*\/\*\r\n\r\n$/,
    );
    expect(await run('docker exec myk8s-control-plane iptables -t nat -S KUBE-SVC-KBDEBIL6IU6WL7RF')).toContain(
      '-A KUBE-SVC-KBDEBIL6IU6WL7RF -m comment --comment "default/svc-clusterip:svc-webport -> 10.10.1.3:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-2WDU4O4C4SDCYWRE\n',
    );
    expect(chainNames(lab.canonical).sep(lab.canonical.web[2] as PodPlace)).toBe('KUBE-SEP-K7ALM6KJRBAYOHKX');
  });

  it('spreads 100 requests over the three pods, and sends them all to one after the patch', async () => {
    const { session } = await openLab(lab, canonical);
    const loop =
      'kubectl exec -it net-pod -- zsh -c "for i in {1..100}; do curl -s 10.200.1.63:9000 | grep Hostname; done | sort | uniq -c | sort -nr"';
    const counts = (text: string) => [...text.matchAll(/^\s*(\d+) Hostname: (\S+)$/gm)].map((m) => Number(m[1]));
    const before = counts((await session.shell.exec(loop)).stdout);
    expect(before).toHaveLength(3);
    for (const n of before) expect(n).toBeGreaterThan(20);
    await session.shell.exec(`kubectl patch svc svc-clusterip -p '{"spec":{"sessionAffinity":"ClientIP"}}'`);
    expect(counts((await session.shell.exec(loop)).stdout)).toEqual([100]);
    const conntrack = (await session.shell.exec('docker exec myk8s-control-plane conntrack -L --src 10.10.0.6')).stdout;
    expect(conntrack).toMatch(/TIME_WAIT src=10\.10\.0\.6 dst=10\.200\.1\.63 sport=\d+ dport=9000 src=10\.10\.\d\.\d /);
  });

  it('earns every point with the reference session', async () => {
    expect((await gradeLog(lab, canonical, referenceLog(lab, canonical))).points).toBe(MAX);
  });
});

describe('personal instances', SLOW, () => {
  it('differ between students and stay the same for one student', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const params = instanceParams(lab, { kind: 'personal', assignment: 'k8s-net', student: `s${i}` });
      seen.add(`${params.clusterIP} ${params.web.map((p) => `${p.name}@${p.ip}`).join(' ')}`);
    }
    expect(seen.size).toBe(30);
    const one: Instance = { kind: 'personal', assignment: 'k8s-net', student: 'kim' };
    expect(instanceParams(lab, one)).toEqual(instanceParams(lab, { ...one }));
  });

  it(`earn every point with the reference session (${PERSONAL_SEEDS} students)`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < PERSONAL_SEEDS; i++) {
      const instance: Instance = { kind: 'personal', assignment: 'k8s-net', student: `student-${i}` };
      const result = await gradeLog(lab, instance, referenceLog(lab, instance));
      if (result.points !== MAX)
        failures.push(
          `student-${i}: ${result.tasks.flatMap((t) => t.checks.filter((c) => !c.ok).map((c) => `${t.id}/${c.id}`))}`,
        );
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("do not accept another student's chain names", async () => {
    const mine: Instance = { kind: 'personal', assignment: 'k8s-net', student: 'kim' };
    const other = chainNames(instanceParams(lab, { kind: 'personal', assignment: 'k8s-net', student: 'lee' }));
    expect(await lost(mine, edit(mine, answerOf('svc-chain', 'answer', other.svc)))).toEqual({
      'svc-chain/answer': 2,
    });
  });
});

describe('wrong answers lose exactly their points', SLOW, () => {
  it.each([
    ['pod-ip', 'ip', '10.10.2.4', 2],
    ['pod-ip', 'node', 'myk8s-worker2', 1],
    ['svc-chain', 'answer', 'KUBE-SERVICES', 2],
    ['sep-chain', 'answer', 'KUBE-SEP-2WDU4O4C4SDCYWRE', 2],
    ['probability', 'web1', '0.5', 1],
    ['probability', 'web2', '1/3', 1],
    ['probability', 'web3', '0.5', 1],
    ['conntrack', 'answer', '10.200.1.63', 2],
    ['why-vip', 'choice', 'dummy-device', 2],
  ])('%s/%s answered %s', async (task, check, value, points) => {
    expect(await lost(canonical, edit(canonical, answerOf(task, check, value)))).toEqual({
      [`${task}/${check}`]: points,
    });
  });

  it('takes pasted and equivalent forms of right answers', async () => {
    let log = edit(canonical, answerOf('probability', 'web1', '1/3'));
    log = log.map(answerOf('probability', 'web2', '0.5'));
    log = log.map(answerOf('probability', 'web3', '1.0'));
    log = log.map(answerOf('conntrack', 'answer', 'src=10.10.2.4'));
    log = log.map(answerOf('svc-chain', 'answer', ' KUBE-SVC-KBDEBIL6IU6WL7RF '));
    expect((await gradeLog(lab, canonical, log)).points).toBe(MAX);
  });
});

describe('skipped steps lose exactly their points', SLOW, () => {
  it('skipping the pod listing', async () => {
    expect(await lost(canonical, edit(canonical, without(/get pod -owide/)))).toEqual({ 'pod-ip/looked': 1 });
  });

  // The last command lists the whole nat table (`iptables -t nat -S | grep recent`), which shows
  // every chain: it goes too when a listing is skipped.
  it('skipping every listing that names the Service chain', async () => {
    expect(await lost(canonical, edit(canonical, without(/-S KUBE-SERVICES$|grep recent|--list KUBE-SVC/)))).toEqual({
      'svc-chain/listed': 1,
      'probability/listed': 1,
    });
  });

  it('skipping the listings of the Service chain with its probabilities', async () => {
    expect(await lost(canonical, edit(canonical, without(/--list KUBE-SVC|grep recent/)))).toEqual({
      'probability/listed': 1,
    });
  });

  it('skipping conntrack', async () => {
    expect(await lost(canonical, edit(canonical, without(/conntrack -L/)))).toEqual({ 'conntrack/listed': 1 });
  });

  it('skipping the patch', async () => {
    expect(await lost(canonical, edit(canonical, without(/kubectl patch/)))).toEqual({
      'affinity/patched': 2,
      'affinity/collapsed': 2,
    });
  });

  it('counting without uniq -c', async () => {
    const log = edit(canonical, (e) =>
      e.type === 'command' ? { ...e, line: e.line.replace(' | sort | uniq -c | sort -nr', '') } : e,
    );
    expect(await lost(canonical, log)).toEqual({ 'distribution/counted': 1 });
  });
});
