import { describe, expect, it } from 'vitest';
import type { NetNs } from '../../linux/netns.ts';
import type { HttpRequest } from '../../linux/servers.ts';
import { parseIpv4 } from '../../wire/addr.ts';
import { echoJson, imageRepository, whoamiText, workloadPorts } from './workloads.ts';

const request: HttpRequest = {
  method: 'GET',
  path: '/',
  version: 'HTTP/1.1',
  headers: [
    ['Host', '10.200.1.63:9000'],
    ['User-Agent', 'curl/7.88.1'],
    ['Accept', '*/*'],
  ],
  client: { addr: parseIpv4('10.10.0.6') as number, port: 55702 },
  server: { addr: parseIpv4('10.10.1.3') as number, port: 80 },
  time: 0,
};

describe('workloads', () => {
  it('know images by repository, whatever the registry, tag or digest', () => {
    expect(imageRepository('docker.io/traefik/whoami:v1.10.1')).toBe('traefik/whoami');
    expect(imageRepository('nginx@sha256:abc')).toBe('nginx');
    expect(imageRepository('docker.io/library/nginx:1.27')).toBe('nginx');
    expect(workloadPorts('traefik/whoami')).toEqual([80]);
    expect(workloadPorts('mendhak/http-https-echo:31')).toEqual([8080]);
    expect(workloadPorts('nicolaka/netshoot')).toEqual([]);
  });

  it('whoami prints its name, addresses, the client and the request as Go writes it', () => {
    const netns = { addrs: [{ local: parseIpv4('127.0.0.1') }, { local: parseIpv4('10.10.1.3') }] } as unknown as NetNs;
    expect(whoamiText({ name: 'webpod1', netns }, request)).toBe(
      'Hostname: webpod1\nIP: 127.0.0.1\nIP: 10.10.1.3\nRemoteAddr: 10.10.0.6:55702\nGET / HTTP/1.1\r\nHost: 10.200.1.63:9000\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n',
    );
  });

  it('http-https-echo answers JSON with the pod and the client', () => {
    const netns = { addrs: [] } as unknown as NetNs;
    const body = JSON.parse(echoJson({ name: 'echo-1', netns }, request));
    expect(body).toMatchObject({ hostname: '10.200.1.63', ip: '::ffff:10.10.0.6', os: { hostname: 'echo-1' } });
  });
});
