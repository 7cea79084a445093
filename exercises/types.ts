/**
 * The shape of a lab as data: how to build its host (a setup script and the processes that hold
 * namespaces), how a personal instance varies it, its tasks with hints and checks, its strings per
 * locale and a reference solution. The grader (src/grader) runs labs; the engine knows nothing of them.
 */
import type { KindCluster } from '../src/engine/k8s/cluster/kind.ts';
import type { Link } from '../src/engine/linux/links.ts';
import type { NetNs } from '../src/engine/linux/netns.ts';
import type { WireEvent } from '../src/engine/linux/stack.ts';
import type { Rng } from '../src/engine/sim.ts';
import type { LinuxHost } from '../src/machine/host.ts';
import type { Locale } from '../src/ui/i18n/t.ts';

/** What a fresh host runs before the learner's first command; the learner never sees it. */
export interface Scenario {
  hostname: string;
  /** Seeds the kernel's generator (MACs, ping ids): part of the instance, so a replay matches. */
  engineSeed: number;
  /** A shell script run as root on the fresh host; it must exit 0 without printing to stderr. */
  setup: string;
  /** Processes that hold a named namespace (a pod's pause container), for `nsenter -t PID`. */
  processes: { pid: number; command: string; netns: string }[];
  /**
   * A kind cluster to build instead (the text of a scenario file, see exercises/scenarios): the
   * learner's shells open on its lab machine, and `setup` and `processes` must be empty.
   */
  cluster?: string;
}

/** One command the learner's shells executed (nested ones too: `ip netns exec X ip a` gives two). */
export interface CommandRun {
  /** Virtual microseconds since the lab started. */
  t: number;
  ns: NetNs;
  argv: string[];
  /** What it printed on stdout (capped). */
  output: string;
  status?: number;
}

/** A capture (tcpdump) the learner opened, and the frames its device saw. */
export interface CaptureRun {
  ns: NetNs;
  /** The device it listens on, or `any`. */
  device: string;
  /** The command that opened it. */
  command: CommandRun;
  frames: { t: number; link: Link; dir: WireEvent['dir']; frame: WireEvent['frame'] }[];
}

/** What the replay saw the learner do, for observation checks. */
export interface Observations {
  commands: CommandRun[];
  captures: CaptureRun[];
}

/** What a check can look at: the instance's parameters, the host as it is now, what was done. */
export interface World<P> {
  params: P;
  host: LinuxHost;
  observed: Observations;
  /** The kind cluster, when the scenario builds one: its API objects and nodes. */
  cluster?: KindCluster;
}

/** Fills a string's `{name}` placeholders. */
export type Vars = Record<string, string | number>;

interface CheckBase {
  /** Unique within its task; strings live under tasks.<task>.checks.<id>. */
  id: string;
  points: number;
  /** The hint (0-based, in the task's hints) that the failure feedback points to. */
  hint: number;
}

/** The learner types a value; it is compared with one computed from the engine when they answer. */
export interface AnswerCheck<P> extends CheckBase {
  kind: 'answer';
  /**
   * How answers compare: one IPv4 address; an interface name (an `@ifN` suffix is ignored); a name
   * (a chain, a node: exact, surrounding quotes and a trailing colon ignored); or a number (a
   * decimal or a fraction such as `1/3`, equal to an expected one within 0.0005).
   */
  compare: 'ipv4' | 'ifname' | 'name' | 'number';
  /** The accepted values, computed from the world; empty when the state has none. */
  expected(world: World<P>): string[];
}

/** The learner picks one of several choices; their text is instance-specific. */
export interface ChoiceCheck<P> extends CheckBase {
  kind: 'choice';
  /** Choice ids in the order this instance shows them; texts live under tasks.<task>.choices.<id>. */
  choices(params: P): string[];
  correct: string;
}

/** A predicate over the engine's final state (it may probe, e.g. send a ping). */
export interface StateCheck<P> extends CheckBase {
  kind: 'state';
  holds(world: World<P>): boolean;
}

/** A predicate over what the learner did: the commands they ran, the captures they took. */
export interface ObserveCheck<P> extends CheckBase {
  kind: 'observe';
  holds(world: World<P>): boolean;
}

export type Check<P> = AnswerCheck<P> | ChoiceCheck<P> | StateCheck<P> | ObserveCheck<P>;

export interface Task<P> {
  id: string;
  checks: Check<P>[];
}

/** A task's strings: the prompt, hints revealed one at a time, and per check what it checks and what failing means. */
export interface TaskStrings {
  title: string;
  prompt: string;
  hints: string[];
  checks: Record<string, { what: string; fail: string }>;
  choices?: Record<string, string>;
}

export interface LabStrings {
  title: string;
  summary: string;
  tasks: Record<string, TaskStrings>;
}

/** One event of a learner's session, as a submission records it. */
export type LogEvent =
  | { t: number; type: 'command'; pane: string; line: string }
  | { t: number; type: 'interrupt'; pane: string }
  | { t: number; type: 'answer'; task: string; check: string; value: string }
  | { t: number; type: 'hint'; task: string; index: number };

export interface Lab<P> {
  id: string;
  title: Record<Locale, string>;
  /** Seed documents (../shared/seeds) the lab reproduces. */
  seeds: string[];
  chapter: string;
  /** The seed document's own names and addresses. */
  canonical: P;
  /** A personal instance: names, addresses and placement drawn from `rng` within realistic bounds. */
  randomise(rng: Rng): P;
  scenario(params: P): Scenario;
  /** Placeholder values for the strings (pod names, PIDs, the bridge…). */
  vars(params: P): Vars;
  tasks: Task<P>[];
  strings: Record<Locale, LabStrings>;
  /** A reference session that earns every point. */
  solution(params: P): LogEvent[];
}

/** A lab with its parameter type erased, as registries and the grader hold it. */
// biome-ignore lint/suspicious/noExplicitAny: each lab has its own parameter type; callers keep them paired.
export type AnyLab = Lab<any>;
