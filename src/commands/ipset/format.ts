/** `ipset list` and `ipset save` text for one set, from the engine's header and members. */
import type { ListedMember, SetHeader } from '../../engine/linux/netfilter/ipset/types.ts';
import { formatElement } from './element.ts';

/** The create options as both "Header:" and the save format's create line print them. */
export function headerText(h: SetHeader): string {
  const parts: string[] = [];
  if (h.type.startsWith('hash:')) {
    parts.push(`family inet hashsize ${h.hashsize} maxelem ${h.maxelem}`);
  } else if (h.range) {
    parts.push(`range ${h.range.from}-${h.range.to}`);
  } else if (h.size !== undefined) {
    parts.push(`size ${h.size}`);
  }
  if (h.timeout !== undefined) parts.push(`timeout ${h.timeout}`);
  if (h.counters) parts.push('counters');
  if (h.comment) parts.push('comment');
  if (h.type.startsWith('hash:')) {
    parts.push(`bucketsize ${h.bucketsize} initval 0x${(h.initval ?? 0).toString(16).padStart(8, '0')}`);
  }
  return parts.join(' ');
}

export function memberText(h: SetHeader, m: ListedMember): string {
  let text = formatElement(h.type, m.element);
  if (m.timeout !== undefined) text += ` timeout ${m.timeout}`;
  if (m.nomatch) text += ' nomatch';
  if (m.packets !== undefined) text += ` packets ${m.packets} bytes ${m.bytes ?? 0}`;
  if (m.comment !== undefined) text += ` comment "${m.comment}"`;
  return text;
}

export function listText(h: SetHeader, members: ListedMember[] | null): string {
  let out =
    `Name: ${h.name}\nType: ${h.type}\nRevision: ${h.revision}\nHeader: ${headerText(h)}\n` +
    `Size in memory: ${h.memsize}\nReferences: ${h.references}\nNumber of entries: ${h.entries}\n`;
  if (members) {
    out += 'Members:\n';
    for (const m of members) out += `${memberText(h, m)}\n`;
  }
  return out;
}

export function saveText(h: SetHeader, members: ListedMember[]): string {
  let out = `create ${h.name} ${h.type} ${headerText(h)}\n`;
  for (const m of members) out += `add ${h.name} ${memberText(h, m)}\n`;
  return out;
}

/** The header options as `-o xml` prints them: one element per option, flags self-closed. */
function headerXml(h: SetHeader): string {
  let out = '';
  if (h.type.startsWith('hash:')) {
    out += `<family>inet</family><hashsize>${h.hashsize}</hashsize><maxelem>${h.maxelem}</maxelem>`;
  } else if (h.range) {
    out += `<range>${h.range.from}-${h.range.to}</range>`;
  } else if (h.size !== undefined) {
    out += `<size>${h.size}</size>`;
  }
  if (h.timeout !== undefined) out += `<timeout>${h.timeout}</timeout>`;
  if (h.counters) out += '<counters/>';
  if (h.comment) out += '<comment/>';
  if (h.type.startsWith('hash:')) {
    out += `<bucketsize>${h.bucketsize}</bucketsize><initval>0x${(h.initval ?? 0).toString(16).padStart(8, '0')}</initval>`;
  }
  return out;
}

function memberXml(h: SetHeader, m: ListedMember): string {
  let out = `<member><elem>${formatElement(h.type, m.element)}</elem>`;
  if (m.timeout !== undefined) out += `<timeout>${m.timeout}</timeout>`;
  if (m.nomatch) out += '<nomatch/>';
  if (m.packets !== undefined) out += `<packets>${m.packets}</packets><bytes>${m.bytes ?? 0}</bytes>`;
  if (m.comment !== undefined) out += `<comment>"${m.comment}"</comment>`;
  return `${out}</member>\n`;
}

/** One `<ipset>` block of `-o xml`; `members` null for -t. */
export function xmlText(h: SetHeader, members: ListedMember[] | null): string {
  let out =
    `<ipset name="${h.name}">\n<type>${h.type}</type>\n<revision>${h.revision}</revision>\n` +
    `<header>${headerXml(h)}\n<memsize>${h.memsize}</memsize>\n<references>${h.references}</references>\n` +
    `<numentries>${h.entries}</numentries>\n</header>\n`;
  if (members) out += `<members>\n${members.map((m) => memberXml(h, m)).join('')}</members>\n`;
  return `${out}</ipset>\n`;
}
