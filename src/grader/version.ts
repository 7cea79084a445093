/** The engine's version, package.json's: submissions record it and the grader compares majors. */
import { readFileSync } from 'node:fs';

export function engineVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
