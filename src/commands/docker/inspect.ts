/**
 * `docker inspect` documents, shaped and ordered as docker 27 returns them (types.ContainerJSON and
 * network.Inspect), built from the engine's docker model. Maps have their keys sorted, as Go's
 * encoding/json writes them; structs keep docker's field order.
 */
import type { DockerContainer, DockerNetwork } from '../../engine/k8s/cluster/docker.ts';
import { rfc3339Nano } from './format.ts';

type Obj = Record<string, unknown>;

function sortedMap<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function portKey(p: { containerPort: number; protocol: string }): string {
  return `${p.containerPort}/${p.protocol.toLowerCase()}`;
}

export function containerInspect(c: DockerContainer): Obj {
  const command = [...c.entrypoint, ...c.cmd];
  const bindings = sortedMap(
    c.ports.map((p): [string, { HostIp: string; HostPort: string }[]] => [
      portKey(p),
      [{ HostIp: p.listenAddress, HostPort: String(p.hostPort) }],
    ]),
  );
  const networks = sortedMap(
    c.endpoints.map((e): [string, Obj] => [
      e.network.name,
      {
        IPAMConfig: {},
        Links: null,
        Aliases: null,
        MacAddress: e.mac,
        DriverOpts: null,
        NetworkID: e.network.id,
        EndpointID: e.endpointId,
        Gateway: e.network.gateway ?? '',
        IPAddress: e.ip,
        IPPrefixLen: e.prefixLen,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        DNSNames: [...e.aliases, c.id.slice(0, 12)],
      },
    ]),
  );
  const first = c.endpoints[0];
  return {
    Id: c.id,
    Created: rfc3339Nano(c.created),
    Path: command[0] ?? '',
    Args: command.slice(1),
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: c.pid,
      ExitCode: 0,
      Error: '',
      StartedAt: rfc3339Nano(c.started),
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: c.imageId,
    ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${c.id}/hostname`,
    HostsPath: `/var/lib/docker/containers/${c.id}/hosts`,
    LogPath: `/var/lib/docker/containers/${c.id}/${c.id}-json.log`,
    Name: `/${c.name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: c.privileged ? 'unconfined' : 'docker-default',
    ExecIDs: null,
    HostConfig: {
      Binds: null,
      ContainerIDFile: '',
      LogConfig: { Type: 'json-file', Config: {} },
      NetworkMode: first?.network.name ?? 'default',
      PortBindings: bindings,
      RestartPolicy: c.restartPolicy,
      AutoRemove: false,
      VolumeDriver: '',
      VolumesFrom: null,
      CapAdd: null,
      CapDrop: null,
      CgroupnsMode: 'private',
      Dns: [],
      DnsOptions: [],
      DnsSearch: [],
      ExtraHosts: null,
      GroupAdd: null,
      IpcMode: 'private',
      Cgroup: '',
      Links: null,
      OomScoreAdj: 0,
      PidMode: '',
      Privileged: c.privileged,
      PublishAllPorts: false,
      ReadonlyRootfs: false,
      SecurityOpt: c.privileged ? ['seccomp=unconfined', 'apparmor=unconfined', 'label=disable'] : null,
      Tmpfs: c.privileged ? { '/run': '', '/tmp': '' } : undefined,
      UTSMode: '',
      UsernsMode: '',
      ShmSize: 67108864,
      Runtime: 'runc',
    },
    Mounts: c.mounts.map((m) => ({
      Type: m.Type,
      Source: m.Source,
      Destination: m.Destination,
      Mode: m.RW ? '' : 'ro',
      RW: m.RW,
      Propagation: m.Type === 'bind' ? 'rprivate' : '',
    })),
    Config: {
      Hostname: c.hostname,
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: c.privileged,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.env,
      Cmd: c.cmd.length > 0 ? c.cmd : null,
      Image: c.image,
      Volumes: c.privileged ? { '/var': {} } : null,
      WorkingDir: '',
      Entrypoint: c.entrypoint.length > 0 ? c.entrypoint : null,
      OnBuild: null,
      Labels: sortedMap(Object.entries(c.labels)),
      StopSignal: c.privileged ? 'SIGRTMIN+3' : undefined,
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: c.sandboxId,
      SandboxKey: c.sandboxKey,
      Ports: sortedMap(
        c.ports.map((p): [string, { HostIp: string; HostPort: string }[]] => [
          portKey(p),
          [{ HostIp: p.listenAddress, HostPort: String(p.hostPort) }],
        ]),
      ),
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: '',
      Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      MacAddress: '',
      Networks: networks,
    },
  };
}

export function networkInspect(n: DockerNetwork, containers: readonly DockerContainer[]): Obj {
  const members = containers.filter((c) => c.endpoints.some((e) => e.network === n));
  return {
    Name: n.name,
    Id: n.id,
    Created: rfc3339Nano(n.created),
    Scope: n.scope,
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: {},
      Config: n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway }] : [],
    },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: sortedMap(
      members.map((c): [string, Obj] => {
        const e = c.endpoints.find((x) => x.network === n);
        return [
          c.id,
          {
            Name: c.name,
            EndpointID: e?.endpointId ?? '',
            MacAddress: e?.mac ?? '',
            IPv4Address: `${e?.ip}/${e?.prefixLen}`,
            IPv6Address: '',
          },
        ];
      }),
    ),
    Options: sortedMap(Object.entries(n.options)),
    Labels: sortedMap(Object.entries(n.labels)),
  };
}
