/** The differential scripts (tests/kernel/scripts/*.sh) and their goldens (tests/kernel/golden/*.txt). */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SCRIPTS_DIR = join(HERE, 'scripts');
export const GOLDEN_DIR = join(HERE, 'golden');

export interface KernelScript {
  /** File name without `.sh`, e.g. `veth-namespaces`. */
  name: string;
  text: string;
  goldenPath: string;
}

/** Every script, sorted by name. */
export function loadScripts(): KernelScript[] {
  return readdirSync(SCRIPTS_DIR)
    .filter((file) => file.endsWith('.sh'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.sh'.length);
      return { name, text: readFileSync(join(SCRIPTS_DIR, file), 'utf8'), goldenPath: join(GOLDEN_DIR, `${name}.txt`) };
    });
}

/** The stored masked real transcript of a script, if recorded. */
export function readGolden(script: KernelScript): string | undefined {
  return existsSync(script.goldenPath) ? readFileSync(script.goldenPath, 'utf8') : undefined;
}
