/**
 * The registry of labs. Each lab lives in exercises/<lab-id>/ and is added here; the CLI, the grader
 * and the site find labs through this module only. The engine never imports anything from exercises/.
 */
import type { Locale } from '../src/ui/i18n/t.ts';
import { clusterIpAffinity } from './clusterip-affinity/lab.ts';
import { netnsVeth } from './netns-veth/lab.ts';
import type { AnyLab } from './types.ts';

export interface LabSummary {
  /** Stable id used in URLs, submissions and `packet-lab exec --lab ID`. */
  id: string;
  title: Record<Locale, string>;
  /** Seed documents (../shared/seeds) whose cluster and commands the lab reproduces. */
  seeds: string[];
  /** The chapter slug that embeds the lab. */
  chapter: string;
}

export const labDefinitions: readonly AnyLab[] = [netnsVeth, clusterIpAffinity];

export const labs: readonly LabSummary[] = labDefinitions.map(({ id, title, seeds, chapter }) => ({
  id,
  title,
  seeds,
  chapter,
}));

export function findLab(id: string): AnyLab | undefined {
  return labDefinitions.find((lab) => lab.id === id);
}
