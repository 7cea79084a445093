import { describe, expect, it } from 'vitest';
import { CLASS_IN, decodeMessage, emptyMessage, encodeMessage, reverseName, TYPE } from './dns.ts';

describe('DNS messages', () => {
  it('round-trips a reply with A, SRV and OPT (names uncompressed, as CoreDNS writes them)', () => {
    const m = emptyMessage(4242);
    m.qr = true;
    m.aa = true;
    m.rd = true;
    m.questions.push({ name: 'kubernetes.default.svc.cluster.local.', type: TYPE.A, class: CLASS_IN });
    m.answers.push({
      name: 'kubernetes.default.svc.cluster.local.',
      type: TYPE.A,
      class: CLASS_IN,
      ttl: 30,
      data: { kind: 'A', address: '10.96.0.1' },
    });
    m.edns = { udpSize: 1232, version: 0, flags: 0, cookie: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const bytes = encodeMessage(m);
    expect(bytes.length).toBe(129);
    const back = decodeMessage(bytes);
    expect(back.answers[0]?.data).toEqual({ kind: 'A', address: '10.96.0.1' });
    expect(back.aa && back.qr && back.rd && !back.ra).toBe(true);
    expect(Array.from(back.edns?.cookie ?? [])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reverse names', () => {
    expect(reverseName('10.10.1.3')).toBe('3.1.10.10.in-addr.arpa.');
  });
});
