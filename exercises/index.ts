/**
 * The registry of labs. Each lab lives in exercises/<lab-id>/ and is added here; the CLI and the
 * site list labs from this array only. The engine never imports anything from exercises/.
 */
import type { Locale } from '../src/ui/i18n/t.ts';

export interface LabSummary {
  /** Stable id used in URLs, submissions and `packet-lab exec --lab ID`. */
  id: string;
  title: Record<Locale, string>;
  /** Seed documents (../shared/seeds) whose cluster and commands the lab reproduces. */
  seeds: string[];
  /** The chapter slug that embeds the lab. */
  chapter: string;
}

export const labs: readonly LabSummary[] = [];
