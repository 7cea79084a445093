/** Opens a scenario under exercises/scenarios and runs scripts in its contexts, collecting output. */
import { readFileSync } from 'node:fs';
import { KindLab } from '../../src/machine/contexts.ts';

export function openScenario(file: string): KindLab {
  return KindLab.open(readFileSync(new URL(`../../exercises/scenarios/${file}`, import.meta.url), 'utf8'));
}

export async function run(lab: KindLab, on: string, script: string): Promise<{ out: string; status: number }> {
  let out = '';
  const sink = {
    write: (chunk: string) => {
      out += chunk;
    },
  };
  const status = await lab.run(on, script, sink, sink);
  return { out, status };
}
