/**
 * Reading `-f` arguments as kubectl's resource builder does: comma lists, directories (their
 * .json/.yaml/.yml files in name order), `-` for standard input, multi-document YAML and `List`
 * objects, each object remembered with the file it came from for error messages.
 */
import { parseAllDocuments } from 'yaml';

export interface FileSource {
  /** The file's text, or undefined when there is no such path. */
  readFile(path: string): string | undefined;
  /** A directory's entry names, or undefined when the path is not a directory. */
  listDir?(path: string): string[] | undefined;
  stdin: string;
}

export interface Manifest {
  source: string;
  object: Record<string, unknown>;
  /** Whether -n was given (a manifest's own namespace must then agree). */
  explicitNs?: boolean;
}

export type ReadResult = { manifests: Manifest[]; errors: string[] };

function parseText(text: string, source: string, out: ReadResult): void {
  const docs = parseAllDocuments(text, { version: '1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = (e?.linePos?.[0]?.line ?? 1) - 0;
      out.errors.push(
        `error: error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${e?.code === 'BAD_INDENT' ? 'did not find expected key' : 'mapping values are not allowed in this context'}`,
      );
      return;
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      out.errors.push(
        `error: error parsing ${source}: error converting YAML to JSON: yaml: cannot unmarshal into an object`,
      );
      continue;
    }
    const obj = value as Record<string, unknown>;
    if (obj.kind === 'List' && Array.isArray(obj.items)) {
      for (const item of obj.items)
        if (item && typeof item === 'object') out.manifests.push({ source, object: item as Record<string, unknown> });
    } else out.manifests.push({ source, object: obj });
  }
}

export function readManifests(paths: string[], fs: FileSource): ReadResult {
  const out: ReadResult = { manifests: [], errors: [] };
  for (const p of paths.flatMap((x) => x.split(',')).filter((x) => x !== '')) {
    if (p === '-') {
      parseText(fs.stdin, 'STDIN', out);
      continue;
    }
    const entries = fs.listDir?.(p);
    if (entries !== undefined) {
      for (const name of [...entries].sort()) {
        if (!/\.(json|ya?ml)$/.test(name)) continue;
        const full = `${p.replace(/\/$/, '')}/${name}`;
        const text = fs.readFile(full);
        if (text !== undefined) parseText(text, full, out);
      }
      continue;
    }
    const text = fs.readFile(p);
    if (text === undefined) {
      out.errors.push(`error: the path "${p}" does not exist`);
      continue;
    }
    parseText(text, p, out);
  }
  return out;
}
