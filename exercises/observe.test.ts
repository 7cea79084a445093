/** Reading `ip` command lines the way iproute2 does: options, `-n NAME`, abbreviated objects and verbs. */
import { describe, expect, it } from 'vitest';
import { LinuxHost } from '../src/machine/host.ts';
import { ipCall, isIpShow } from './observe.ts';

const host = new LinuxHost();
const pod = host.kernel.addNamed('pod');
const call = (line: string) => ipCall({ t: 0, ns: host.kernel.root, argv: line.split(' '), output: '' }, host);

describe('ipCall', () => {
  it.each([
    ['ip a', 'address', true],
    ['ip -4 -br addr show dev eth0', 'address', true],
    ['ip a s eth0', 'address', true],
    ['ip addr add 10.0.0.1/24 dev eth0', 'address', false],
    ['ip r', 'route', true],
    ['ip ro get 10.0.0.1', 'route', true],
    ['ip route del default', 'route', false],
    ['ip -d l', 'link', true],
    ['ip link set eth0 up', 'link', false],
  ])('%s reads %s: %s', (line, object, shows) => {
    const parsed = call(line);
    expect(parsed?.object).toBe(object);
    expect(parsed && isIpShow(parsed, object)).toBe(shows);
  });

  it('follows -n and -netns to the namespace the command reads', () => {
    expect(call('ip -n pod a')?.ns).toBe(pod);
    expect(call('ip -netns pod -br link')?.ns).toBe(pod);
    expect(call('ip -n nosuch a')).toBeUndefined();
    expect(call('ip a')?.ns).toBe(host.kernel.root);
  });

  it('ignores what is not ip', () => {
    expect(call('ipset list')).toBeUndefined();
    expect(call('ip')).toBeUndefined();
    expect(call('ip frobnicate')).toBeUndefined();
  });
});
