#!/usr/bin/env node
// Entry point of the `packet-lab` command. The CLI is TypeScript run by Node's own type stripping,
// which needs Node >= 22.12; when an older system Node starts this file, re-run it under the Node
// that the project pins as a devDependency (node_modules/node).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 12);

if (modern) {
  await import(join(root, 'src/cli/main.ts'));
} else {
  const pinned = join(root, 'node_modules/node/bin/node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `packet-lab: Node ${process.versions.node} is too old (need >= 22.12); run 'npm install' first.\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
