/**
 * A lab instance on a fresh simulated host: the canonical one (the seed document's own names) or a
 * personal one, whose parameters come from a seed derived from (assignment id, student id), so two
 * students get different addresses and names and the grader can rebuild either from the ids alone.
 */
import type { AnyLab, Scenario } from '../../exercises/types.ts';
import type { KindCluster } from '../engine/k8s/cluster/kind.ts';
import { Rng } from '../engine/sim.ts';
import { KindLab } from '../machine/contexts.ts';
import { LinuxHost } from '../machine/host.ts';
import { HostSession } from '../machine/session.ts';
import { Shell } from '../shell/shell.ts';

export type Instance = { kind: 'canonical' } | { kind: 'personal'; assignment: string; student: string };

/** FNV-1a over the UTF-8 of both ids, then a murmur finaliser: a stable 31-bit seed, never 0. */
export function personalSeed(assignment: string, student: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(`${assignment}\u001f${student}`)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x7fffffff || 1;
}

/** The seed recorded in a submission: 0 for the canonical instance. */
export function instanceSeed(instance: Instance): number {
  return instance.kind === 'canonical' ? 0 : personalSeed(instance.assignment, instance.student);
}

export function instanceParams<P>(lab: { canonical: P; randomise(rng: Rng): P }, instance: Instance): P {
  return instance.kind === 'canonical' ? lab.canonical : lab.randomise(new Rng(instanceSeed(instance)));
}

export interface OpenedLab {
  lab: AnyLab;
  params: unknown;
  scenario: Scenario;
  session: HostSession;
  /** The kind cluster, when the scenario builds one. */
  cluster?: KindCluster;
  /** Kernel time (µs) when setup finished: a submission's timestamps count from here. */
  start: number;
}

/** A shell in the root namespace of `session` (a terminal pane, or the hidden setup shell). */
export function rootShell(session: HostSession, seed: number): Shell {
  const root = session.host.kernel.root;
  const { registry, fs } = session.context(root);
  return new Shell({
    fs,
    registry,
    clock: session.clock,
    pid: session.host.spawn('-bash', root).pid,
    seed,
    env: { HOSTNAME: session.host.hostname },
  });
}

/** An instance's host before its setup ran: what a live page builds first, to attach its terminals. */
export interface BuiltLab {
  lab: AnyLab;
  params: unknown;
  scenario: Scenario;
  /** The lab machine's session (for a cluster scenario, the KindLab's `lab` context). */
  session: HostSession;
  /** The kind lab, when the scenario builds a cluster. */
  kind?: KindLab;
}

/** Builds the instance's host and session; `paced` for a live page (ping's interval takes real time). */
export function buildLab(lab: AnyLab, instance: Instance, options: { paced?: boolean } = {}): BuiltLab {
  const params = instanceParams(lab, instance);
  const scenario = lab.scenario(params);
  if (scenario.cluster !== undefined) {
    const kind = KindLab.open(scenario.cluster, {
      seed: scenario.engineSeed,
      ...(options.paced === true ? { paced: true } : {}),
    });
    return { lab, params, scenario, session: kind.session, kind };
  }
  const host = new LinuxHost({ seed: scenario.engineSeed, hostname: scenario.hostname });
  const session = new HostSession({ host, seed: scenario.engineSeed, paced: options.paced === true });
  return { lab, params, scenario, session };
}

/** Runs a built instance's setup and starts its processes; throws when the setup fails (a lab bug). */
export async function setUpLab(built: BuiltLab): Promise<OpenedLab> {
  const { lab, scenario, session, kind } = built;
  if (kind) {
    await kind.prepare();
    return {
      lab,
      params: built.params,
      scenario,
      session,
      cluster: kind.cluster,
      start: kind.host.kernel.clock.micros,
    };
  }
  const host = session.host;
  const result = await rootShell(session, scenario.engineSeed).exec(scenario.setup);
  if (result.exitCode !== 0 || result.stderr !== '')
    throw new Error(`lab ${lab.id}: setup failed (status ${result.exitCode}): ${result.stderr.trim()}`);
  for (const process of scenario.processes) {
    const ns = host.kernel.named.get(process.netns);
    if (!ns) throw new Error(`lab ${lab.id}: process ${process.pid} needs namespace ${process.netns}`);
    host.spawn(process.command, ns, process.pid);
  }
  return { ...built, start: host.kernel.clock.micros };
}

/** Builds the instance's host and runs its setup; throws when the setup fails (a lab bug). */
export async function openLab(lab: AnyLab, instance: Instance): Promise<OpenedLab> {
  return setUpLab(buildLab(lab, instance));
}
