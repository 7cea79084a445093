/** The machine shell: one clock, /proc and /etc, streaming tcpdump and ping, entering namespaces. */
import { describe, expect, it } from 'vitest';
import { HostSession } from './session.ts';

const TOPOLOGY = `ip netns add a
ip link add veth0 type veth peer name eth0 netns a
ip addr add 10.0.0.1/24 dev veth0
ip link set veth0 up
ip -n a addr add 10.0.0.2/24 dev eth0
ip -n a link set eth0 up
ip -n a link set lo up`;

async function withTopology(): Promise<HostSession> {
  const session = new HostSession({ seed: 1 });
  const r = await session.shell.exec(TOPOLOGY);
  expect(r).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  return session;
}

/** A writer that aborts `controller` once `lines` lines matching `pattern` were written. */
function abortAfter(controller: AbortController, lines: number, pattern: RegExp) {
  let text = '';
  return {
    text: () => text,
    writer: {
      write(chunk: string) {
        text += chunk;
        if (text.split('\n').filter((l) => pattern.test(l)).length >= lines) controller.abort();
      },
    },
  };
}

describe('one clock', () => {
  it('runs the kernel while the shell sleeps', async () => {
    const session = await withTopology();
    await session.shell.exec('ping -c 1 10.0.0.2 > /dev/null');
    const start = session.host.kernel.clock.micros;
    const r = await session.shell.exec('date +%T; ip neigh; sleep 60; ip neigh; date +%T');
    expect(r.stdout).toBe(
      '00:00:00\n10.0.0.2 dev veth0 lladdr a2:00:87:fb:f7:47 REACHABLE \n10.0.0.2 dev veth0 lladdr a2:00:87:fb:f7:47 STALE \n00:01:00\n',
    );
    expect(session.host.kernel.clock.micros - start).toBe(60_000_000);
  });

  it('wakes concurrent sleepers in kernel-time order', async () => {
    const { shell } = new HostSession();
    expect((await shell.exec('(sleep 2; echo b) & (sleep 1; echo a) & wait; echo $SECONDS')).stdout).toMatch(
      /^a\nb\n\d+\n$/,
    );
  });
});

describe('/proc and /etc', () => {
  it('reads and writes /proc/sys per namespace', async () => {
    const session = await withTopology();
    const r = await session.shell.exec(
      'cat /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv4/ip_forward; sysctl net.ipv4.ip_forward; ' +
        'ip netns exec a cat /proc/sys/net/ipv4/ip_forward; ls /proc/sys/net/ipv4/conf | grep veth; ' +
        'ip netns exec a ls /proc/sys/net/ipv4/conf | grep -c veth; ls /run/netns',
    );
    expect(r.stdout).toBe('0\nnet.ipv4.ip_forward = 1\n0\nveth0\n0\na\n');
    expect(r.exitCode).toBe(0);
    const bad = await session.shell.exec('echo 1 > /proc/sys/net/ipv4/nosuch');
    expect(bad).toEqual({
      stdout: '',
      stderr: 'bash: /proc/sys/net/ipv4/nosuch: No such file or directory\n',
      exitCode: 1,
    });
    expect((await session.shell.exec('echo 1 > /proc/net/nf_conntrack')).stderr).toBe(
      'bash: /proc/net/nf_conntrack: Permission denied\n',
    );
  });

  it('lists the connection tracking table', async () => {
    const session = await withTopology();
    await session.shell.exec('iptables -t nat -L > /dev/null; ping -c 1 10.0.0.2 > /dev/null');
    const r = await session.shell.exec('cat /proc/net/nf_conntrack | wc -l');
    expect(r.exitCode).toBe(0);
    expect(Number(r.stdout)).toBeGreaterThanOrEqual(0);
  });

  it('has a hostname and the usual /etc files', async () => {
    const { shell } = new HostSession({ hostname: 'node1' });
    const r = await shell.exec(
      'hostname; cat /etc/hostname; grep 127.0.1.1 /etc/hosts; grep -c nameserver /etc/resolv.conf; grep -w 443/tcp /etc/services; echo $HOSTNAME',
    );
    expect(r.stdout).toBe(
      'node1\nnode1\n127.0.1.1\tnode1\n1\nhttps\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL\nnode1\n',
    );
  });

  it('prints the namespace addresses with hostname -I', async () => {
    const session = await withTopology();
    expect((await session.shell.exec('hostname -I; ip netns exec a hostname -I')).stdout).toBe(
      '10.0.0.1 \n10.0.0.2 \n',
    );
  });

  it('finds the tools where Debian installs them', async () => {
    const { shell } = new HostSession();
    expect((await shell.exec('which ip tcpdump ping; /sbin/ip -br a')).stdout).toBe(
      '/usr/sbin/ip\n/usr/sbin/tcpdump\n/usr/bin/ping\nlo               DOWN           \n',
    );
  });
});

describe('streaming tools', () => {
  it('captures in the background while ping runs in the foreground of the same shell', async () => {
    const session = await withTopology();
    const r = await session.shell.exec('tcpdump -n -i veth0 -c 4 & ping -c 2 10.0.0.2; wait');
    expect(r.stdout).toContain('64 bytes from 10.0.0.2: icmp_seq=2 ttl=64');
    const captured = r.stdout.split('\n').filter((l) => /^\d\d:\d\d/.test(l));
    expect(captured.map((l) => l.replace(/^\S+ /, '').replace(/, id \d+/, ''))).toEqual([
      'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28',
      'ARP, Reply 10.0.0.2 is-at a2:00:87:fb:f7:47, length 28',
      'IP 10.0.0.1 > 10.0.0.2: ICMP echo request, seq 1, length 64',
      'IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, seq 1, length 64',
    ]);
    expect(r.stderr).toBe(
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n' +
        'listening on veth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n' +
        '4 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n',
    );
  });

  it('streams tcpdump through grep until Ctrl-C, with the statistics at the end', async () => {
    const session = await withTopology();
    await session.shell.exec('ip netns exec a ping -i 0.5 10.0.0.1 > /dev/null &');
    const controller = new AbortController();
    const out = abortAfter(controller, 3, /echo reply/);
    const status = await session.shell.run('tcpdump -n -l -i veth0 | grep reply', {
      stdout: out.writer,
      signal: controller.signal,
    });
    expect(status).toBe(130);
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(3);
    expect(out.text()).toMatch(/IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo reply/);
    // tcpdump catches SIGINT: alone it prints its statistics and exits 0.
    const again = new AbortController();
    const alone = abortAfter(again, 1, /ICMP/);
    const stderr: string[] = [];
    const own = await session.shell.run('tcpdump -n -i veth0 icmp', {
      stdout: alone.writer,
      stderr: { write: (s) => void stderr.push(s) },
      signal: again.signal,
    });
    expect(own).toBe(0);
    expect(alone.text()).toMatch(/ICMP echo (request|reply).*\n\n$/);
    expect(stderr.join('')).toMatch(/\n\d packets? captured\n/);
    await session.shell.exec('kill %1; wait');
  });

  it('pings until Ctrl-C, printing each reply as it arrives', async () => {
    const session = await withTopology();
    const controller = new AbortController();
    const out = abortAfter(controller, 3, /bytes from/);
    const status = await session.shell.run('ping 10.0.0.2', { stdout: out.writer, signal: controller.signal });
    expect(status).toBe(0);
    expect(out.text()).toMatch(
      /icmp_seq=3 ttl=64 time=\S+ ms\n\n--- 10\.0\.0\.2 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time \d+ms\nrtt /,
    );
    expect((await session.shell.exec('echo $?')).stdout).toBe('0\n');
  });

  it('stops ping when the reader goes away', async () => {
    const session = await withTopology();
    const r = await session.shell.exec('ping 10.0.0.2 | head -2; echo done');
    expect(r.stdout).toMatch(/^PING 10\.0\.0\.2 .*\n64 bytes from 10\.0\.0\.2: icmp_seq=1 .*\ndone\n$/);
  });

  it('ends a capture nothing will ever feed in a script', async () => {
    const session = await withTopology();
    const r = await session.shell.exec('tcpdump -n -i veth0; echo $?');
    expect(r.stdout).toBe('\n0\n');
    expect(r.stderr).toContain('0 packets captured');
  });
});

describe('entering namespaces', () => {
  it('runs a command line in a namespace through the shell', async () => {
    const session = await withTopology();
    const r = await session.shell.exec(`ip netns exec a sh -c 'ip a | grep "inet "'; X=1 ip netns exec a printenv X`);
    expect(r.stdout).toBe('    inet 127.0.0.1/8 scope host lo\n    inet 10.0.0.2/24 scope global eth0\n1\n');
  });

  it('passes standard input through and keeps the working directory', async () => {
    const session = await withTopology();
    const r = await session.shell.exec(
      'cd /tmp; echo hi > f; echo piped | ip netns exec a cat - f; ip netns exec a pwd',
    );
    expect(r.stdout).toBe('piped\nhi\n/tmp\n');
  });

  it('uses the real error messages', async () => {
    const session = await withTopology();
    expect(await session.shell.exec('ip netns exec a nosuch')).toEqual({
      stdout: '',
      stderr: 'exec of "nosuch" failed: No such file or directory\n',
      exitCode: 255,
    });
    expect(await session.shell.exec('ip netns exec zz ip a')).toEqual({
      stdout: '',
      stderr: 'Cannot open network namespace "zz": No such file or directory\n',
      exitCode: 255,
    });
    expect(await session.shell.exec('nsenter --net=/run/netns/a nosuch')).toEqual({
      stdout: '',
      stderr: 'nsenter: failed to execute nosuch: No such file or directory\n',
      exitCode: 127,
    });
    expect((await session.shell.exec('nsenter -t 999 -n ip a')).stderr).toBe(
      'nsenter: cannot open /proc/999/ns/net: No such file or directory\n',
    );
    expect((await session.shell.exec('nsenter --net=/run/netns/zz ip a')).stderr).toBe(
      'nsenter: cannot open /run/netns/zz: No such file or directory\n',
    );
  });

  it('enters a namespace by process or by file with nsenter', async () => {
    const session = await withTopology();
    const pause = session.host.spawn('/pause', session.host.kernel.named.get('a') as never);
    const r = await session.shell.exec(
      `nsenter -t ${pause.pid} -n ip -4 -br a | grep eth0; nsenter --net=/run/netns/a -- ip -4 -br a show eth0; nsenter -t 1 -n ip -4 -br a show veth0; nsenter -t $$ -n hostname`,
    );
    expect(r.stdout).toBe(
      'eth0@if2         UP             10.0.0.2/24 \neth0@if2         UP             10.0.0.2/24 \nveth0@if2        UP             10.0.0.1/24 \npacket-lab\n',
    );
  });

  it('keeps the status of a command that catches Ctrl-C through ip netns exec', async () => {
    const session = await withTopology();
    const controller = new AbortController();
    const out = abortAfter(controller, 1, /bytes from/);
    const status = await session.shell.run('ip netns exec a ping 10.0.0.1', {
      stdout: out.writer,
      signal: controller.signal,
    });
    expect(status).toBe(0);
    expect(out.text()).toContain('1 packets transmitted, 1 received');
  });
});
