import type { LabStrings } from '../types.ts';

export const ko: LabStrings = {
  title: '포드 네트워크 네임스페이스 들여다보기',
  summary:
    '포드의 네임스페이스 안에서 주소와 라우트를 찾고, 포드의 eth0과 호스트의 veth를 짝지은 뒤, 브리지에서 떨어진 포드를 고치고 {bridge}를 지나는 ping을 관찰합니다.',
  tasks: {
    'pod-ip': {
      title: '포드의 주소',
      prompt: '포드 {podA}는 프로세스 {pidA}(pause 컨테이너)로 실행 중입니다. 이 포드의 IP 주소는 무엇인가요?',
      hints: [
        '포드의 네트워크 네임스페이스는 pause 프로세스가 잡고 있는 네임스페이스입니다. `nsenter -t {pidA} -n 명령`은 그 안에서 명령을 실행합니다.',
        '포드 안에서 `ip addr`를 실행하면 eth0의 `inet` 줄이 보입니다. `/24`를 뺀 주소만 입력하세요.',
      ],
      checks: {
        looked: {
          what: '{podA}의 네임스페이스 안에서 주소 목록을 출력했습니다(그 안에서 ip addr, ifconfig 또는 hostname -I).',
          fail: '{podA}의 네임스페이스 안에서 주소를 출력한 명령이 없습니다. 호스트에서는 호스트 자신의 주소만 보입니다.',
        },
        answer: {
          what: '답이 {podA}의 네임스페이스 안 eth0에 있는 IPv4 주소입니다.',
          fail: '{podA}의 주소가 아닙니다. 네임스페이스 안에서 eth0의 `inet` 줄을 읽어 보세요.',
        },
      },
    },
    'host-veth': {
      title: 'eth0의 반대편 끝',
      prompt:
        '포드 {podB}는 프로세스 {pidB}로 실행 중입니다. 이 포드의 eth0은 veth 쌍의 한쪽 끝입니다. 루트 네임스페이스에 있는 반대편 장치는 무엇인가요?',
      hints: [
        '{podB}의 네임스페이스 안에서 `ip link`를 보면 eth0이 `eth0@ifN`으로 나옵니다. N은 상대편이 속한 네임스페이스에서 센 상대편의 ifindex입니다.',
        '호스트에서 `ip link`는 각 장치 줄을 인덱스로 시작합니다. `N:`으로 시작하는 줄이 상대편입니다. `@` 앞의 이름을 입력하세요.',
      ],
      checks: {
        looked: {
          what: '{podB}의 네임스페이스 안에서 링크 목록을 출력했습니다. 거기서 eth0이 상대편의 인덱스를 보여 줍니다.',
          fail: '{podB}의 네임스페이스 안에서 링크를 출력한 명령이 없어서 eth0의 `@ifN`을 볼 수 없었습니다.',
        },
        answer: {
          what: '답이 {podB}의 eth0과 짝을 이루는 루트 네임스페이스 장치의 이름입니다.',
          fail: '그 장치는 {podB}의 eth0과 짝이 아닙니다. `@if` 뒤의 숫자를 호스트의 인터페이스 인덱스와 맞춰 보세요.',
        },
      },
    },
    'default-route': {
      title: '포드에서 나가는 길',
      prompt: '{podA}의 라우팅 테이블을 출력하세요. 기본 게이트웨이 주소는 무엇인가요?',
      hints: [
        '`nsenter -t {pidA} -n`이나 `ip netns exec`로 {podA}의 네임스페이스 안에서 `ip route`를 실행하세요.',
        '게이트웨이는 `default` 줄의 `via` 뒤에 나오는 주소입니다. 호스트에서 {bridge}의 주소와 비교해 보세요.',
      ],
      checks: {
        looked: {
          what: '{podA}의 네임스페이스 안에서 라우팅 테이블을 출력했습니다(그 안에서 ip route, route 또는 netstat -r).',
          fail: '{podA}의 네임스페이스 안에서 라우트를 출력한 명령이 없습니다. 호스트의 테이블에는 다른 기본 라우트가 있습니다.',
        },
        answer: {
          what: '답이 {podA}의 네임스페이스 안 기본 라우트의 게이트웨이입니다.',
          fail: '{podA}의 기본 라우트 게이트웨이가 아닙니다. 포드 안에서 `default via …`를 찾아 보세요.',
        },
      },
    },
    connect: {
      title: '포드를 브리지에 다시 연결하기',
      prompt:
        '{podA}에서 {podB}로 보낸 ping에 응답이 없습니다. 두 포드 중 하나의 호스트 쪽 veth가 내려가 있고 {bridge}에 붙어 있지 않습니다. 그 veth를 찾아 연결해서 ping이 되게 하세요.',
      hints: [
        '호스트에서 `ip -br link`는 모든 veth의 상태를, `ip link show master {bridge}`는 브리지의 포트를 보여 줍니다. 어느 포드의 veth가 빠져 있나요?',
        '`ip link set 장치 master {bridge}`는 장치를 브리지의 포트로 만들고, `ip link set 장치 up`은 장치를 올립니다(한 명령으로 함께 쓸 수 있습니다).',
        '{podB}의 주소로 `nsenter -t {pidA} -n ping -c 1 주소`를 실행해 확인하세요.',
      ],
      checks: {
        enslaved: {
          what: '떨어져 있던 포드의 호스트 쪽 veth가 {bridge}의 포트입니다.',
          fail: '떨어져 있던 포드의 호스트 쪽 veth가 아직 {bridge}의 포트가 아닙니다.',
        },
        up: {
          what: '떨어져 있던 포드의 호스트 쪽 veth가 올라와 있습니다.',
          fail: '떨어져 있던 포드의 호스트 쪽 veth가 아직 내려가 있습니다.',
        },
        ping: {
          what: '채점기가 {podA}에서 {podB}로 보낸 ping에 응답이 옵니다.',
          fail: '채점기가 {podA}에서 {podB}로 보낸 ping에 응답이 없습니다.',
        },
      },
    },
    capture: {
      title: '브리지를 지나는 ping 보기',
      prompt:
        '루트 네임스페이스에서 {podA}와 {podB} 사이의 ping이 브리지를 지나는 곳, 즉 {bridge}나 그 포트(포드의 호스트 쪽 veth)에서 패킷을 캡처하세요.',
      hints: [
        'ping하기 전에 두 번째 터미널에서(또는 `&`로) `tcpdump -n -i 장치 icmp`를 시작하고, 끝나면 Ctrl-C로 멈추세요.',
        '통과하는 ping은 `ICMP echo request`와 `ICMP echo reply`를 모두 보여 줍니다. request만 보인다면 앞 과제가 아직 끝나지 않은 것입니다.',
      ],
      checks: {
        request: {
          what: '{bridge}나 그 포트에서 실행한 캡처가 두 포드 사이의 ICMP echo request를 출력했습니다.',
          fail: '{bridge}나 그 포트에서 실행한 캡처 중 {podA}와 {podB} 사이의 echo request를 출력한 것이 없습니다.',
        },
        reply: {
          what: '{bridge}나 그 포트에서 실행한 캡처가 ICMP echo reply를 출력했습니다.',
          fail: '{bridge}나 그 포트에서 실행한 캡처 중 두 포드 사이의 echo reply를 출력한 것이 없습니다.',
        },
      },
    },
    'why-index': {
      title: '인덱스가 중요한 이유',
      prompt:
        '{podA} 안에서 eth0은 `eth0@if{hostIndexA}`로 보이고, 호스트에서는 모든 포드의 veth가 `veth…@if{podIndex}`로 보입니다. 포드 쪽 번호로 짝을 알아낼 수 있는 이유를 바르게 설명한 것은 무엇인가요?',
      hints: [
        '인터페이스 인덱스는 네트워크 네임스페이스마다 따로 셉니다. 서로 다른 두 포드에서 eth0의 인덱스를 비교해 보세요.',
        '호스트에서 각 포드 veth의 `@if` 뒤 숫자를 보세요. 숫자가 서로 다른가요?',
      ],
      checks: {
        choice: {
          what: '리눅스가 인터페이스에 번호를 매기는 방식과 맞는 설명을 골랐습니다.',
          fail: '그 설명은 맞지 않습니다. 각 숫자가 어느 네임스페이스에서 센 것인지 생각해 보세요.',
        },
      },
      choices: {
        'unique-in-root':
          '인덱스는 네임스페이스마다 따로 셉니다. 모든 포드의 eth0은 자기 네임스페이스에서 {podIndex}번이라 호스트의 `@if{podIndex}`는 어느 포드에나 들어맞지만, {hostIndexA}는 루트 네임스페이스의 장치 하나만 가리킵니다.',
        pid: '{hostIndexA}는 `nsenter -t`에 필요한 포드 pause 프로세스의 PID입니다.',
        'global-index':
          '인터페이스 인덱스는 호스트 전체에서 하나뿐이므로 호스트의 `@if{podIndex}`만으로 포드 하나를 가리킵니다.',
        'bridge-port':
          '{hostIndexA}는 {bridge}에서 포드가 연결된 포트 번호이고, 브리지가 프레임을 어디로 보낼지 정합니다.',
      },
    },
  },
};
