import { describe, expect, it } from 'vitest';
import { displayablePorts, ellipsis, humanDuration, tabwrite } from './format.ts';
import { compileTemplate, goJson, TemplateError } from './go-template.ts';

const doc = {
  Name: '/myk8s-worker',
  State: { Pid: 2154, Running: true },
  Config: { Labels: { 'io.x-k8s.kind.role': 'worker', 'io.x-k8s.kind.cluster': 'myk8s' } },
  NetworkSettings: { Networks: { kind: { IPAddress: '172.18.0.2', Aliases: null } } },
  Args: ['/sbin/init'],
};

describe('Go templates as docker inspect -f runs them', () => {
  const render = (t: string) => compileTemplate(t)(doc);

  it('field chains, spaces inside actions, and missing map keys', () => {
    expect(render('{{.Name}} {{.NetworkSettings.Networks.kind.IPAddress}}')).toBe('/myk8s-worker 172.18.0.2');
    expect(render('{{ .State.Pid }}')).toBe('2154');
    expect(render('{{.NetworkSettings.Networks.bridge}}')).toBe('<no value>');
    expect(render('{{.NetworkSettings.Networks.kind.Aliases}}')).toBe('<nil>');
  });

  it('range over a map walks it in key order; json, index and len', () => {
    expect(render('{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')).toBe('172.18.0.2');
    expect(render('{{range $k, $v := .Config.Labels}}x{{end}}')).toBe('xx');
    expect(render('{{json .State}}')).toBe('{"Pid":2154,"Running":true}');
    expect(render('{{index .Config.Labels "io.x-k8s.kind.role"}}')).toBe('worker');
    expect(render('{{len .Args}} {{.Config.Labels}}')).toBe(
      '1 map[io.x-k8s.kind.cluster:myk8s io.x-k8s.kind.role:worker]',
    );
    expect(render('{{if .State.Running}}up{{else}}down{{end}}')).toBe('up');
    expect(render('{{.Name | upper}}')).toBe('/MYK8S-WORKER');
  });

  it('errors say what is wrong', () => {
    expect(() => compileTemplate('{{.Name')).toThrow(TemplateError);
    expect(() => render('{{nosuch .Name}}')).toThrow('function "nosuch" not defined');
    expect(() => render('{{.Name.Foo}}')).toThrow("can't evaluate field Foo");
  });

  it('json escapes HTML as Go does', () => {
    expect(goJson({ a: '<b>&' })).toBe('{"a":"\\u003cb\\u003e\\u0026"}');
  });
});

describe('docker CLI formatting', () => {
  it('groups published ports like the PORTS column (seed 002 line 64)', () => {
    const p = (containerPort: number, hostPort: number, listenAddress = '0.0.0.0') => ({
      containerPort,
      hostPort,
      listenAddress,
      protocol: 'TCP' as const,
    });
    expect(displayablePorts([p(6443, 42371, '127.0.0.1'), p(30002, 30002), p(30000, 30000), p(30001, 30001)])).toBe(
      '0.0.0.0:30000-30002->30000-30002/tcp, 127.0.0.1:42371->6443/tcp',
    );
    expect(displayablePorts([p(80, 80), p(82, 82)])).toBe('0.0.0.0:80->80/tcp, 0.0.0.0:82->82/tcp');
  });

  it('go-units durations and ellipsis', () => {
    expect(humanDuration(24e6)).toBe('24 seconds');
    expect(humanDuration(31 * 60e6 + 5e6)).toBe('31 minutes');
    expect(humanDuration(90e6)).toBe('About a minute');
    expect(humanDuration(18 * 3600e6)).toBe('18 hours');
    expect(humanDuration(3 * 86400e6)).toBe('3 days');
    expect(ellipsis('/usr/local/bin/entrypoint /sbin/init', 20)).toBe('/usr/local/bin/entr…');
  });

  it('tabwriter columns: widest cell + 3, at least 10, last column unpadded', () => {
    expect(
      tabwrite([
        ['NETWORK ID', 'NAME', 'DRIVER'],
        ['a7cb493939e6', 'bridge', 'bridge'],
      ]),
    ).toBe('NETWORK ID     NAME      DRIVER\na7cb493939e6   bridge    bridge\n');
  });
});
