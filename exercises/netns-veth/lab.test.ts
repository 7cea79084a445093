/**
 * netns-veth: the canonical instance prints what seed 003 shows, personal instances differ, and
 * each check costs exactly its own points when its answer is wrong or its step is skipped, while
 * other ways of doing the same thing earn the same points.
 */
import { describe, expect, it } from 'vitest';
import { maxPoints } from '../../src/grader/evaluate.ts';
import { type Instance, instanceParams, openLab } from '../../src/grader/instance.ts';
import { gradeLog, pointsByCheck, referenceLog } from '../../src/grader/testing.ts';
import type { LogEvent } from '../types.ts';
import { netnsVeth as lab } from './lab.ts';
import { detachedPod, podA, podB } from './params.ts';

const canonical: Instance = { kind: 'canonical' };
const personal: Instance = { kind: 'personal', assignment: 'net101-lab1', student: 'kim' };
const MAX = maxPoints(lab);

/** The reference log with events dropped or changed. */
function edit(instance: Instance, change: (event: LogEvent) => LogEvent | undefined): LogEvent[] {
  return referenceLog(lab, instance).flatMap((event) => {
    const changed = change(event);
    return changed ? [changed] : [];
  });
}

/** Checks that lost points against the full score, as `task/check: points lost`. */
async function lost(instance: Instance, log: LogEvent[]): Promise<Record<string, number>> {
  const full = pointsByCheck(await gradeLog(lab, instance, referenceLog(lab, instance)));
  const got = pointsByCheck(await gradeLog(lab, instance, log));
  const out: Record<string, number> = {};
  for (const [key, points] of Object.entries(full)) if (got[key] !== points) out[key] = points - (got[key] ?? 0);
  return out;
}

const answerOf = (task: string, value: string) => (event: LogEvent) =>
  event.type === 'answer' && event.task === task ? { ...event, value } : event;

const without = (pattern: RegExp) => (event: LogEvent) =>
  event.type === 'command' && pattern.test(event.line) ? undefined : event;

describe('the canonical instance', () => {
  it("shows seed 003's pod: eth0@if81 with 10.244.0.12/24, paired with veth9d5e266c@if3 on cni0", async () => {
    const { session } = await openLab(lab, canonical);
    const inside = await session.shell.exec('nsenter -t 20999 -n ip addr show eth0');
    expect(inside.stdout).toMatch(/^3: eth0@if81: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 .*\n/);
    expect(inside.stdout).toContain('    inet 10.244.0.12/24 scope global eth0\n');
    const outside = await session.shell.exec('ip link show veth9d5e266c');
    expect(outside.stdout).toMatch(/^81: veth9d5e266c@if3: .* master cni0 state UP/);
    const coredns = await session.shell.exec('ip netns exec cni-3f1a9c2e-5b7d-4e21-9a0c-6d8e2f4b1c37 hostname -I');
    expect(coredns.stdout).toBe('10.244.0.8 \n');
  });

  it('leaves one pod off the bridge until the learner repairs it', async () => {
    const { session } = await openLab(lab, canonical);
    const ping = await session.shell.exec('nsenter -t 20999 -n ping -c 1 -W 1 10.244.0.13');
    expect(ping.exitCode).not.toBe(0);
    expect((await session.shell.exec('ip -br link show veth41c7a3f0')).stdout).toMatch(/DOWN/);
  });
});

describe('personal instances', () => {
  it('give different students different names, addresses and answers', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const params = instanceParams(lab, { kind: 'personal', assignment: 'net101-lab1', student: `s${i}` });
      seen.add(`${podA(params).ip} ${podB(params).veth} ${podA(params).pid}`);
    }
    expect(seen.size).toBe(40);
  });

  it('are the same for the same student and assignment', () => {
    expect(instanceParams(lab, personal)).toEqual(instanceParams(lab, { ...personal }));
  });

  it("do not accept another student's answers", async () => {
    const other: Instance = { kind: 'personal', assignment: 'net101-lab1', student: 'lee' };
    const copied = referenceLog(lab, other).filter((e) => e.type === 'answer');
    const mine = referenceLog(lab, personal).map((e) =>
      e.type === 'answer' ? (copied.find((c) => c.type === 'answer' && c.task === e.task) ?? e) : e,
    );
    const result = await lost(personal, mine);
    expect(result).toMatchObject({ 'pod-ip/answer': 2, 'host-veth/answer': 2 });
  });
});

describe('wrong answers lose exactly their points', () => {
  it.each([
    ['pod-ip', '10.244.0.13', { 'pod-ip/answer': 2 }],
    ['pod-ip', '10.244.0.1', { 'pod-ip/answer': 2 }],
    ['host-veth', 'veth9d5e266c', { 'host-veth/answer': 2 }],
    ['host-veth', 'eth0', { 'host-veth/answer': 2 }],
    ['default-route', '192.168.1.1', { 'default-route/answer': 1 }],
    ['why-index', 'global-index', { 'why-index/choice': 2 }],
  ])('%s answered %s', async (task, value, expected) => {
    expect(await lost(canonical, edit(canonical, answerOf(task, value)))).toEqual(expected);
  });

  it('takes pasted forms of a right answer', async () => {
    let log = edit(canonical, answerOf('pod-ip', '10.244.0.12/24'));
    log = log.map(answerOf('host-veth', 'veth41c7a3f0@if3:'));
    log = log.map(answerOf('default-route', 'default via 10.244.0.1 dev eth0'));
    expect((await gradeLog(lab, canonical, log)).points).toBe(MAX);
  });

  it('counts the last answer given', async () => {
    const log = referenceLog(lab, canonical);
    const last = log[log.length - 1] as LogEvent;
    log.push({ t: last.t + 1_000_000, type: 'answer', task: 'pod-ip', check: 'answer', value: '1.2.3.4' });
    expect(await lost(canonical, log)).toEqual({ 'pod-ip/answer': 2 });
  });
});

describe('skipped steps lose exactly their points', () => {
  it('skipping the address listing inside the pod', async () => {
    expect(await lost(canonical, edit(canonical, without(/-n ip addr$/)))).toEqual({ 'pod-ip/looked': 1 });
  });

  it('skipping the link listing inside the second pod', async () => {
    expect(await lost(canonical, edit(canonical, without(/ip link show eth0$/)))).toEqual({ 'host-veth/looked': 1 });
  });

  it('skipping the route listing', async () => {
    expect(await lost(canonical, edit(canonical, without(/ ip route$/)))).toEqual({ 'default-route/looked': 1 });
  });

  it('skipping the capture', async () => {
    expect(await lost(canonical, edit(canonical, without(/^tcpdump/)))).toEqual({
      'capture/request': 1,
      'capture/reply': 1,
    });
  });

  // Without the repair no echo gets through, so a capture cannot show a reply (nor, when the
  // detached pod is the one pinging, a request): the capture's points go with the repair's.
  const withoutCapture = (result: Record<string, number>) => {
    const { 'capture/request': request, 'capture/reply': reply, ...rest } = result;
    expect(reply).toBe(1);
    expect([undefined, 1]).toContain(request);
    return rest;
  };

  it('skipping the repair costs the repair and the capture of a ping that now fails', async () => {
    expect(withoutCapture(await lost(personal, edit(personal, without(/ master /))))).toEqual({
      'connect/enslaved': 1,
      'connect/up': 1,
      'connect/ping': 2,
    });
  });

  it('attaching without bringing up', async () => {
    const log = edit(personal, (e) => (e.type === 'command' ? { ...e, line: e.line.replace(/ up$/, '') } : e));
    expect(withoutCapture(await lost(personal, log))).toEqual({ 'connect/up': 1, 'connect/ping': 2 });
  });

  it('skipping every answer', async () => {
    expect(
      await lost(
        canonical,
        edit(canonical, (e) => (e.type === 'answer' ? undefined : e)),
      ),
    ).toEqual({
      'pod-ip/answer': 2,
      'host-veth/answer': 2,
      'default-route/answer': 1,
      'why-index/choice': 2,
    });
  });
});

describe('other ways earn the same points', () => {
  const params = instanceParams(lab, personal);
  const a = podA(params);
  const b = podB(params);
  const broken = detachedPod(params);
  const s = 1_000_000;
  const run = (t: number, line: string, pane = 'main'): LogEvent => ({ t: t * s, type: 'command', pane, line });
  const answers = referenceLog(lab, personal)
    .filter((e) => e.type === 'answer')
    .map((e, i) => ({ ...e, t: (100 + i) * s }));

  it('ip -n, ip netns exec, a background capture on any, repair in two steps', async () => {
    const log: LogEvent[] = [
      run(1, `ip netns exec ${a.netns} ifconfig`),
      run(2, `ip -n ${b.netns} -br link`),
      run(3, `ip -n ${a.netns} r`),
      run(4, `ip link set ${broken.veth} master ${params.bridge}`),
      run(5, `ip link set dev ${broken.veth} up`),
      run(6, 'tcpdump -ni any icmp &'),
      run(8, `ip netns exec ${a.netns} ping -c 3 ${b.ip}`),
      run(12, 'kill -INT %1'),
      ...answers,
    ];
    const result = await gradeLog(lab, personal, log);
    expect(result.tasks.flatMap((t) => t.checks.filter((c) => !c.ok).map((c) => `${t.id}/${c.id}`))).toEqual([]);
  });

  it('a capture whose filter hides ICMP earns nothing', async () => {
    const log = edit(personal, (e) => (e.type === 'command' ? { ...e, line: e.line.replace(/ icmp$/, ' arp') } : e));
    expect(await lost(personal, log)).toEqual({ 'capture/request': 1, 'capture/reply': 1 });
  });

  it('a capture left running when the log ends still counts', async () => {
    const log = edit(personal, (e) => (e.type === 'interrupt' ? undefined : e));
    expect((await gradeLog(lab, personal, log)).points).toBe(MAX);
  });
});
