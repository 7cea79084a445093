/**
 * `nslookup` (BIND 9.18), non-interactive: `nslookup NAME [SERVER]`, `-type=`/`-query=`,
 * `-port=`, `-timeout=`, `-retry=`. It walks the search list of /etc/resolv.conf (ndots) as the
 * resolver does, prints Server:/Address:, then Name:/Address: pairs (PTR as `name = `, SRV as
 * `service = `), or `** server can't find NAME: NXDOMAIN` with status 1.
 */
import { formatIpv4, parseIpv4 } from '../engine/wire/addr.ts';
import { RCODE_NAMES, reverseName, TYPE, TYPE_NAMES } from '../engine/wire/dns.ts';
import { candidates, type DigEnv, newQuery, parseResolvConf, type QueryResult, udpQuery } from './dig.ts';
import type { ToolEmit, ToolProgram } from './types.ts';

export function* nslookupProgram(args: string[], env: DigEnv, emit: ToolEmit): ToolProgram {
  let type: number | undefined;
  let port = 53;
  let timeout = 5;
  let tries = 3;
  const positional: string[] = [];
  for (const a of args) {
    const m = /^-(\w+)(?:=(.*))?$/.exec(a);
    if (!m) {
      positional.push(a);
      continue;
    }
    const [, key = '', value = ''] = m;
    if (key === 'type' || key === 'query' || key === 'querytype' || key === 'q' || key === 't') {
      const t = TYPE[value.toUpperCase() as keyof typeof TYPE];
      if (t === undefined) {
        emit('stdout', `unknown query type: ${value}\n`);
        continue;
      }
      type = t;
    } else if (key === 'port') port = Number(value);
    else if (key === 'timeout') timeout = Math.max(1, Number(value));
    else if (key === 'retry') tries = Math.max(1, Number(value));
  }
  const [target, serverArg] = positional;
  if (target === undefined) {
    emit('stderr', '> ');
    return 0;
  }
  const conf = parseResolvConf(env.resolvConf);
  const server = serverArg ?? (conf.nameservers[0] as string);
  if (parseIpv4(server) === null) {
    emit('stderr', `;; couldn't get address for '${server}': not found\n`);
    return 1;
  }
  const ip = parseIpv4(target);
  const reverse = ip !== null && type === undefined;
  const qtype = reverse ? TYPE.PTR : (type ?? TYPE.A);
  const names = reverse ? [reverseName(formatIpv4(ip as number)).slice(0, -1)] : candidates(target, conf, true);
  const head = `Server:\t\t${server}\nAddress:\t${server}#${port}\n\n`;
  let result: QueryResult = { kind: 'timeout' };
  for (const name of names) {
    const query = newQuery(env.kernel, name, qtype, { edns: false });
    for (let attempt = 0; attempt < tries; attempt++) {
      result = yield* udpQuery(env.kernel, env.netns, server, port, query, timeout * 1000);
      if (result.kind === 'interrupted') return 130;
      if (result.kind !== 'timeout') break;
    }
    if (result.kind !== 'answer') break;
    const { reply } = result;
    if (reply.rcode === 3 || (reply.rcode === 0 && reply.answers.length === 0 && name !== names.at(-1))) continue;
    break;
  }
  if (result.kind !== 'answer') {
    const why = result.kind === 'refused' ? 'communications error' : 'connection timed out';
    emit(
      'stdout',
      `;; ${why} to ${server}#${port}: ${result.kind === 'refused' ? 'connection refused' : 'timed out'}\n`,
    );
    emit('stdout', ';; no servers could be reached\n\n');
    return 1;
  }
  const { reply } = result;
  if (reply.rcode !== 0) {
    const shown = reverse ? (names[0] as string) : target;
    emit('stdout', `${head}** server can't find ${shown}: ${RCODE_NAMES[reply.rcode] ?? reply.rcode}\n\n`);
    return 1;
  }
  let out = head;
  if (!reply.aa && reply.answers.length > 0) out += 'Non-authoritative answer:\n';
  if (reply.answers.length === 0) {
    const q = reply.questions[0]?.name.replace(/\.$/, '') ?? target;
    out += `*** Can't find ${q}: No answer\n\n`;
    emit('stdout', out);
    return 0;
  }
  for (const r of reply.answers) {
    const owner = r.name.replace(/\.$/, '');
    const d = r.data;
    if (d.kind === 'A') out += `Name:\t${owner}\nAddress: ${d.address}\n`;
    else if (d.kind === 'PTR' && r.type === TYPE.PTR) out += `${owner}\tname = ${d.target}\n`;
    else if (d.kind === 'PTR') out += `${owner}\tcanonical name = ${d.target}\n`;
    else if (d.kind === 'SRV') out += `${owner}\tservice = ${d.priority} ${d.weight} ${d.port} ${d.target}\n`;
    else if (d.kind === 'SOA')
      out += `${owner}\n\torigin = ${d.mname}\n\tmail addr = ${d.rname}\n\tserial = ${d.serial}\n\trefresh = ${d.refresh}\n\tretry = ${d.retry}\n\texpire = ${d.expire}\n\tminimum = ${d.minimum}\n`;
    else out += `${owner}\t${TYPE_NAMES[r.type] ?? r.type}\n`;
  }
  emit('stdout', `${out}\n`);
  return 0;
}
