/**
 * Patches as the API server applies them: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch, whose lists merge element by element on the keys the core types declare
 * (containers by name, Service ports by port, …); plus kubectl apply's three-way patch from the
 * last-applied configuration.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** patchMergeKey of the list fields the labs touch; other lists are replaced whole. */
function mergeKey(path: string[], field: string): string | undefined {
  const parent = path[path.length - 1] ?? '';
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'ports':
      return parent === 'spec' ? 'port' : 'containerPort';
    default:
      return undefined;
  }
}

/** RFC 7386: objects merge, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function strategic(target: unknown, patch: unknown, path: string[]): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const key = mergeKey(path, k);
    if (Array.isArray(v) && key !== undefined && Array.isArray(out[k])) {
      const cur = (out[k] as unknown[]).map((x) => structuredClone(x));
      for (const el of v) {
        if (!isObj(el)) continue;
        if (el.$patch === 'delete') {
          const i = cur.findIndex((c) => isObj(c) && c[key] === el[key]);
          if (i >= 0) cur.splice(i, 1);
          continue;
        }
        const i = cur.findIndex((c) => isObj(c) && c[key] === el[key]);
        if (i >= 0) cur[i] = strategic(cur[i], el, [...path, k]);
        else cur.push(strategic(undefined, el, [...path, k]));
      }
      out[k] = cur;
    } else if (isObj(v)) out[k] = strategic(out[k], v, [...path, k]);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** Strategic merge patch of a whole object. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  return strategic(target, patch, []);
}

function pointer(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902; throws with jsonpatch's messages on a bad operation. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new Error('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  const walk = (parts: string[]): [unknown, string] => {
    let cur: unknown = doc;
    for (const p of parts.slice(0, -1)) {
      if (Array.isArray(cur)) cur = cur[Number(p)];
      else if (isObj(cur)) cur = cur[p];
      else cur = undefined;
      if (cur === undefined) throw new Error(`doc is missing path: "/${parts.join('/')}": missing value`);
    }
    return [cur, parts[parts.length - 1] ?? ''];
  };
  const get = (path: string): unknown => {
    const [parent, last] = walk(pointer(path));
    return Array.isArray(parent) ? parent[Number(last)] : isObj(parent) ? parent[last] : undefined;
  };
  const remove = (path: string): void => {
    const [parent, last] = walk(pointer(path));
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isObj(parent) && last in parent) delete parent[last];
    else throw new Error(`Unable to remove nonexistent key: ${last}: missing value`);
  };
  const add = (path: string, value: unknown, replace: boolean): void => {
    const parts = pointer(path);
    if (parts.length === 0) {
      doc = structuredClone(value);
      return;
    }
    const [parent, last] = walk(parts);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (replace) parent[i] = structuredClone(value);
      else parent.splice(i, 0, structuredClone(value));
    } else if (isObj(parent)) {
      if (replace && !(last in parent))
        throw new Error(`replace operation does not apply: doc is missing key: ${path}: missing value`);
      parent[last] = structuredClone(value);
    } else throw new Error(`doc is missing path: "${path}": missing value`);
  };
  for (const raw of ops) {
    const op = (raw ?? {}) as Obj;
    const path = String(op.path ?? '');
    switch (op.op) {
      case 'add':
        add(path, op.value, false);
        break;
      case 'remove':
        remove(path);
        break;
      case 'replace':
        add(path, op.value, true);
        break;
      case 'move': {
        const v = get(String(op.from ?? ''));
        remove(String(op.from ?? ''));
        add(path, v, false);
        break;
      }
      case 'copy':
        add(path, get(String(op.from ?? '')), false);
        break;
      case 'test':
        if (JSON.stringify(get(path)) !== JSON.stringify(op.value))
          throw new Error(`testing value ${path} failed: test failed`);
        break;
      default:
        throw new Error(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

/** Removes from `current` what `original` had and `modified` dropped (the three-way delete half). */
function deletions(original: unknown, modified: unknown, current: unknown, path: string[]): unknown {
  if (!isObj(original) || !isObj(current)) return current;
  const out: Obj = { ...current };
  const mod = isObj(modified) ? modified : {};
  for (const k of Object.keys(original)) {
    if (!(k in mod)) delete out[k];
    else if (isObj(original[k]) && isObj(mod[k])) out[k] = deletions(original[k], mod[k], out[k], [...path, k]);
    else if (Array.isArray(original[k]) && Array.isArray(mod[k]) && Array.isArray(out[k])) {
      const key = mergeKey(path, k);
      if (key === undefined) continue;
      const keep = new Set((mod[k] as unknown[]).filter(isObj).map((e) => e[key]));
      const dropped = new Set(
        (original[k] as unknown[])
          .filter(isObj)
          .map((e) => e[key])
          .filter((x) => !keep.has(x)),
      );
      out[k] = (out[k] as unknown[]).filter((e) => !(isObj(e) && dropped.has(e[key])));
    }
  }
  return out;
}

/** kubectl apply: the live object after the three-way strategic merge. */
export function threeWayApply(original: unknown, modified: unknown, current: unknown): unknown {
  return strategic(deletions(original, modified, current, []), modified, []);
}
