import type { LabStrings } from '../types.ts';

export const ko: LabStrings = {
  title: 'ClusterIP 서비스와 세션 어피니티',
  summary:
    '{service}({clusterIP}:{port})로 보낸 요청이 kube-proxy의 nat 체인을 거쳐 포드에 닿는 길을 따라가고, conntrack에서 변환을 읽고, 100번의 요청을 포드별로 세고, sessionAffinity로 클라이언트를 한 포드에 붙여 봅니다.',
  tasks: {
    'pod-ip': {
      title: '포드가 도는 곳',
      prompt: '포드 {ipPod}는 서비스의 백엔드 중 하나입니다. 이 포드의 IP 주소와, 포드가 실행 중인 노드는 무엇인가요?',
      hints: [
        '`kubectl get pod -owide`는 모든 포드를 IP와 노드와 함께 보여 줍니다.',
        'NODE 열에는 kind가 붙인 노드 이름(CLUSTER-worker, CLUSTER-worker2, …)이 있습니다. 보이는 그대로 입력하세요.',
      ],
      checks: {
        looked: {
          what: '{ipPod}의 주소를 출력한 kubectl 명령을 실행했습니다.',
          fail: '실행한 kubectl 명령 중 {ipPod}의 주소를 출력한 것이 없습니다.',
        },
        ip: {
          what: '답이 API 서버에 기록된 {ipPod}의 포드 IP입니다.',
          fail: '{ipPod}의 주소가 아닙니다. 해당 행의 IP 열을 읽으세요.',
        },
        node: {
          what: '답이 {ipPod}가 스케줄된 노드입니다.',
          fail: '{ipPod}가 실행되는 노드가 아닙니다. 해당 행의 NODE 열을 읽으세요.',
        },
      },
    },
    'svc-chain': {
      title: 'KUBE-SERVICES에서 서비스 체인으로',
      prompt:
        '{client}가 실행되는 {clientNode}에서 kube-proxy는 nat 테이블의 KUBE-SERVICES 체인에서 {clusterIP}:{port}를 매치해 서비스의 체인으로 점프합니다. 그 체인의 이름은 무엇인가요?',
      hints: [
        '`docker exec {clientNode} iptables -t nat -S KUBE-SERVICES`로 체인을 규칙 형태로 출력하고, `-d {clusterIP}/32`와 `--dport {port}`가 있는 규칙을 찾으세요.',
        '`-j` 뒤의 이름은 `KUBE-SVC-`와 16글자로 되어 있습니다. 전부 복사하세요.',
      ],
      checks: {
        listed: {
          what: '실행한 iptables 명령이 서비스의 KUBE-SVC 체인을 출력했습니다.',
          fail: '실행한 iptables 출력 중 서비스의 KUBE-SVC 체인을 보여 준 것이 없습니다.',
        },
        answer: {
          what: '답이 {clusterIP}:{port}에 대해 KUBE-SERVICES가 점프하는 체인입니다.',
          fail: '{clusterIP}:{port}에 대해 KUBE-SERVICES가 점프하는 체인이 아닙니다.',
        },
      },
    },
    'sep-chain': {
      title: '한 포드의 엔드포인트 체인',
      prompt:
        '서비스 체인은 엔드포인트마다 KUBE-SEP 체인 하나로 점프하고, 각 KUBE-SEP 체인은 포드 하나로 DNAT합니다. {sepPod}로 트래픽을 보내는 KUBE-SEP 체인은 무엇인가요?',
      hints: [
        '{clientNode}에서 `iptables -t nat -S 체인`으로 서비스 체인을 출력하면, 각 점프의 코멘트가 `-> 포드IP:{targetPort}`로 끝납니다.',
        '{sepPod}의 IP를 그 코멘트와 맞춰 보거나, KUBE-SEP 체인을 하나씩 출력해 `--to-destination`을 읽으세요.',
      ],
      checks: {
        listed: {
          what: '실행한 iptables 명령이 {sepPod}의 KUBE-SEP 체인을 그 주소와 함께 출력했습니다.',
          fail: '실행한 iptables 출력 중 {sepPod}의 KUBE-SEP 체인과 주소를 함께 보여 준 것이 없습니다.',
        },
        answer: {
          what: '답이 {sepPod}로 DNAT하는 KUBE-SEP 체인입니다.',
          fail: '그 체인은 {sepPod}로 DNAT하지 않습니다. 각 KUBE-SEP 체인의 `--to-destination`을 포드 IP와 비교하세요.',
        },
      },
    },
    probability: {
      title: '3분의 1, 2분의 1, 나머지',
      prompt:
        '서비스 체인은 엔드포인트 점프를 순서대로 시도하며, 각 점프에는 `statistic mode random`이 붙습니다. 각 포드로 가는 점프에 적힌 확률을 답하세요(statistic 매치가 없는 점프는 1): {web1}, {web2}, {web3}. 먼저 예측한 다음 체인을 출력해 비교하세요.',
      hints: [
        '엔드포인트가 n개이면 kube-proxy는 첫 점프에 1/n, 다음 점프에 1/(n−1)을 쓰고 마지막 점프에는 아무것도 쓰지 않습니다. 그래서 모든 포드가 같은 몫을 받습니다.',
        '`iptables -v --numeric --table nat --list 체인`은 각 점프의 `probability …`를 보여 줍니다. 엔드포인트는 `IP:포트` 문자열 순으로 정렬됩니다.',
      ],
      checks: {
        web1: {
          what: '{web1}로 가는 점프의 확률이 {clientNode}의 규칙과 같습니다.',
          fail: '{web1}로 가는 점프의 확률이 다릅니다. 그 엔드포인트가 체인에서 몇 번째인지 확인하세요.',
        },
        web2: {
          what: '{web2}로 가는 점프의 확률이 {clientNode}의 규칙과 같습니다.',
          fail: '{web2}로 가는 점프의 확률이 다릅니다. 그 엔드포인트가 체인에서 몇 번째인지 확인하세요.',
        },
        web3: {
          what: '{web3}로 가는 점프의 확률이 {clientNode}의 규칙과 같습니다.',
          fail: '{web3}로 가는 점프의 확률이 다릅니다. 그 엔드포인트가 체인에서 몇 번째인지 확인하세요.',
        },
        listed: {
          what: '실행한 iptables 명령이 서비스 체인을 확률과 함께 출력했습니다.',
          fail: '실행한 iptables 출력 중 서비스 체인을 `probability` 매치와 함께 보여 준 것이 없습니다.',
        },
      },
    },
    conntrack: {
      title: 'conntrack에 남은 변환',
      prompt:
        '{client}에서 {clusterIP}:{port}로 요청을 보낸 뒤, {clientNode}의 conntrack 항목 중 {client}({clientIP})에서 시작된 것을 출력하세요. 서비스로 보낸 요청은 어느 포드 주소로 변환되었나요?',
      hints: [
        '`docker exec {clientNode} conntrack -L --src {clientIP}`는 {client}가 연 연결을 보여 줍니다. 한 줄에 원래 방향의 튜플과 응답 방향의 튜플이 차례로 있습니다.',
        '원래 튜플은 여전히 `dst={clusterIP}`이고, 응답 튜플의 `src=`가 DNAT이 보낸 곳입니다. 그 주소를 입력하세요(`:{targetPort}`를 붙여도 됩니다).',
      ],
      checks: {
        listed: {
          what: '{clientNode}에서 {clusterIP}로 가는 연결이 보이는 conntrack 항목을 출력했습니다.',
          fail: '{clientNode}에서 출력한 conntrack 목록 중 {clusterIP}로 가는 연결을 보여 준 것이 없습니다.',
        },
        answer: {
          what: '답이 {client}에서 서비스로 간 conntrack 항목의 응답 출발지입니다.',
          fail: '{client}에서 {clusterIP}로 간 conntrack 항목 중 그 주소로 변환된 것이 없습니다.',
        },
      },
    },
    distribution: {
      title: '요청 100번',
      prompt:
        '{client}에서 {clusterIP}:{port}로 요청을 100번 보내고, 포드마다 몇 번 응답했는지 세세요(whoami는 `Hostname: 포드`를 출력합니다).',
      hints: [
        '시드 문서의 반복문: `kubectl exec -it {client} -- zsh -c "for i in {1..100}; do curl -s {clusterIP}:{port} | grep Hostname; done | sort | uniq -c | sort -nr"`.',
        '`sort | uniq -c`는 100개의 `Hostname:` 줄을 포드별 한 줄과 그 개수로 바꿉니다.',
      ],
      checks: {
        loop: {
          what: '{client}가 {clusterIP}:{port}로 curl 요청을 100번 이상 보냈습니다.',
          fail: '{client}가 {clusterIP}:{port}로 보낸 curl 요청이 100번보다 적습니다.',
        },
        counted: {
          what: '실행한 명령이 100번 이상의 응답을 포드별 개수로 출력했습니다.',
          fail: '실행한 명령 중 포드별 개수(`Hostname:` 줄의 `uniq -c`)를 합쳐 100이 되게 출력한 것이 없습니다.',
        },
      },
    },
    affinity: {
      title: '한 포드에 붙이기',
      prompt:
        '서비스의 sessionAffinity를 ClientIP로 바꾸고 {client}에서 다시 요청을 100번 보내세요. 이번에는 어떻게 나뉘나요?',
      hints: [
        '`kubectl patch svc {service} -p \'{"spec":{"sessionAffinity":"ClientIP"}}\'`로 서비스를 바꾸면 kube-proxy가 규칙을 다시 씁니다.',
        '같은 100번 반복문을 다시 실행하세요. {clientNode}에서 `iptables -t nat -S | grep recent`를 실행하면 클라이언트 주소를 기억하는 `recent` 규칙이 보입니다.',
      ],
      checks: {
        patched: {
          what: '서비스 {service}의 sessionAffinity가 ClientIP입니다.',
          fail: '서비스 {service}의 sessionAffinity가 ClientIP가 아닙니다.',
        },
        collapsed: {
          what: '{client}에서 서비스로 보낸 마지막 요청 100번이 모두 한 포드에서 응답받았습니다.',
          fail: '{client}에서 서비스로 보낸 마지막 요청 100번이 모두 같은 포드로 가지 않았습니다.',
        },
      },
    },
    'why-vip': {
      title: '어느 인터페이스에도 없는 주소',
      prompt:
        '어느 노드나 포드에서 `ip addr`를 실행해도 {clusterIP}는 보이지 않는데, 그 주소로 보낸 요청에는 응답이 옵니다. 이유를 설명하는 문장은 무엇인가요?',
      hints: [
        '노드에서 `iptables -t nat -S`를 실행해 {clusterIP}가 어느 체인에 나오는지 보세요. PREROUTING과 OUTPUT은 라우팅 결정보다 먼저 실행됩니다.',
      ],
      checks: {
        choice: {
          what: 'kube-proxy의 iptables 모드가 동작하는 방식과 맞는 문장을 골랐습니다.',
          fail: 'iptables 모드에서는 맞지 않는 문장입니다. 라우팅 전에 목적지 주소에 무슨 일이 일어나는지 생각해 보세요.',
        },
      },
      choices: {
        'nat-only':
          '{clusterIP}는 kube-proxy의 nat 규칙 안에 매치 조건으로만 존재합니다. PREROUTING(또는 OUTPUT)의 DNAT이 라우팅 전에 목적지를 포드로 바꾸므로 어떤 인터페이스도 그 주소를 가질 필요가 없습니다.',
        'dummy-device': 'kube-proxy가 {clusterIP}를 `ip addr`에 나오지 않는 숨은 dummy 장치에 붙입니다.',
        'proxy-process':
          'kube-proxy 프로세스가 {clusterIP}:{port}에서 리슨하며 연결마다 사용자 공간에서 포드로 전달합니다.',
        'proxy-arp':
          '모든 노드가 {clusterIP}에 대한 ARP 요청에 대신 응답(proxy ARP)하므로 주소 없이도 프레임이 노드에 닿습니다.',
      },
    },
  },
};
