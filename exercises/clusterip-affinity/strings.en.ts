import type { LabStrings } from '../types.ts';

export const en: LabStrings = {
  title: 'A ClusterIP Service and session affinity',
  summary:
    'Follow a request to {service} ({clusterIP}:{port}) through kube-proxy’s nat chains to a pod, read the translation in conntrack, count 100 requests per pod and pin a client to one pod with sessionAffinity.',
  tasks: {
    'pod-ip': {
      title: 'Where a pod runs',
      prompt: 'Pod {ipPod} is one of the Service’s backends. What is its IP address, and on which node does it run?',
      hints: [
        '`kubectl get pod -owide` lists every pod with its IP and its node.',
        'The NODE column holds the node’s name as kind named it (CLUSTER-worker, CLUSTER-worker2, …). Type it as shown.',
      ],
      checks: {
        looked: {
          what: 'You ran a kubectl command that printed {ipPod}’s address.',
          fail: 'None of your kubectl commands printed {ipPod}’s address.',
        },
        ip: {
          what: 'Your answer is the pod IP the API server holds for {ipPod}.',
          fail: 'That is not {ipPod}’s address: read the IP column for its row.',
        },
        node: {
          what: 'Your answer is the node {ipPod} is scheduled on.',
          fail: 'That is not the node {ipPod} runs on: read the NODE column for its row.',
        },
      },
    },
    'svc-chain': {
      title: 'From KUBE-SERVICES to the Service’s chain',
      prompt:
        'On {clientNode} (where {client} runs), kube-proxy matches {clusterIP}:{port} in the nat table’s KUBE-SERVICES chain and jumps to a chain of the Service. What is that chain’s name?',
      hints: [
        '`docker exec {clientNode} iptables -t nat -S KUBE-SERVICES` prints the chain as rules; find the one with `-d {clusterIP}/32` and `--dport {port}`.',
        'The name after `-j` starts with `KUBE-SVC-` followed by 16 characters. Copy it whole.',
      ],
      checks: {
        listed: {
          what: 'An iptables command of yours printed the Service’s KUBE-SVC chain.',
          fail: 'None of your iptables listings showed the Service’s KUBE-SVC chain.',
        },
        answer: {
          what: 'Your answer is the chain KUBE-SERVICES jumps to for {clusterIP}:{port}.',
          fail: 'That is not the chain KUBE-SERVICES jumps to for {clusterIP}:{port}.',
        },
      },
    },
    'sep-chain': {
      title: 'The endpoint chain of one pod',
      prompt:
        'The Service’s chain jumps to one KUBE-SEP chain per endpoint, and each of those DNATs to one pod. Which KUBE-SEP chain sends traffic to {sepPod}?',
      hints: [
        'List the Service’s chain with `iptables -t nat -S CHAIN` on {clientNode}: every jump carries a comment ending in `-> POD-IP:{targetPort}`.',
        'Match {sepPod}’s IP with those comments, or list each KUBE-SEP chain and read its `--to-destination`.',
      ],
      checks: {
        listed: {
          what: 'An iptables command of yours printed {sepPod}’s KUBE-SEP chain next to its address.',
          fail: 'None of your iptables listings showed {sepPod}’s KUBE-SEP chain together with its address.',
        },
        answer: {
          what: 'Your answer is the KUBE-SEP chain whose DNAT goes to {sepPod}.',
          fail: 'That chain does not DNAT to {sepPod}: compare the `--to-destination` of each KUBE-SEP chain with its IP.',
        },
      },
    },
    probability: {
      title: 'One third, one half, the rest',
      prompt:
        'The Service’s chain tries its endpoint jumps in order, each with `statistic mode random`. Give the probability written on the jump to each pod (1 for a jump with no statistic match): {web1}, {web2}, {web3}. Predict first, then list the chain and compare.',
      hints: [
        'With n endpoints, kube-proxy writes 1/n on the first jump, 1/(n−1) on the next, and nothing on the last: every pod ends up with the same share.',
        '`iptables -v --numeric --table nat --list CHAIN` shows `probability …` on each jump; the endpoints are ordered by their `IP:port` as text.',
      ],
      checks: {
        web1: {
          what: 'Your probability for the jump to {web1} matches the rule on {clientNode}.',
          fail: 'The jump to {web1} carries a different probability; check where its endpoint sits in the chain.',
        },
        web2: {
          what: 'Your probability for the jump to {web2} matches the rule on {clientNode}.',
          fail: 'The jump to {web2} carries a different probability; check where its endpoint sits in the chain.',
        },
        web3: {
          what: 'Your probability for the jump to {web3} matches the rule on {clientNode}.',
          fail: 'The jump to {web3} carries a different probability; check where its endpoint sits in the chain.',
        },
        listed: {
          what: 'An iptables command of yours printed the Service’s chain with its probabilities.',
          fail: 'None of your iptables listings showed the Service’s chain with its `probability` matches.',
        },
      },
    },
    conntrack: {
      title: 'The translation in conntrack',
      prompt:
        'Send a request from {client} to {clusterIP}:{port}, then list {clientNode}’s conntrack entries from {client} ({clientIP}). To which pod address was a request to the Service translated?',
      hints: [
        '`docker exec {clientNode} conntrack -L --src {clientIP}` lists the connections {client} opened; each line holds the original tuple, then the reply tuple.',
        'The original tuple still says `dst={clusterIP}`; the reply tuple’s `src=` is where the DNAT sent it. Type that address (`:{targetPort}` may follow).',
      ],
      checks: {
        listed: {
          what: 'You listed conntrack entries on {clientNode} that show a connection to {clusterIP}.',
          fail: 'None of your conntrack listings on {clientNode} showed a connection to {clusterIP}.',
        },
        answer: {
          what: 'Your answer is the reply source of a conntrack entry from {client} to the Service.',
          fail: 'No conntrack entry from {client} to {clusterIP} was translated to that address.',
        },
      },
    },
    distribution: {
      title: 'A hundred requests',
      prompt:
        'From {client}, send 100 requests to {clusterIP}:{port} and count how many each pod answered (whoami prints `Hostname: POD`).',
      hints: [
        'The seed’s loop: `kubectl exec -it {client} -- zsh -c "for i in {1..100}; do curl -s {clusterIP}:{port} | grep Hostname; done | sort | uniq -c | sort -nr"`.',
        '`sort | uniq -c` turns 100 `Hostname:` lines into one line per pod with its count.',
      ],
      checks: {
        loop: {
          what: '{client} sent at least 100 curl requests to {clusterIP}:{port}.',
          fail: '{client} sent fewer than 100 curl requests to {clusterIP}:{port}.',
        },
        counted: {
          what: 'A command of yours printed per-pod counts of at least 100 answers.',
          fail: 'None of your commands printed counts per pod (`uniq -c` of the `Hostname:` lines) adding up to 100.',
        },
      },
    },
    affinity: {
      title: 'Stick to one pod',
      prompt:
        'Set the Service’s sessionAffinity to ClientIP, then send 100 requests from {client} again. How are they spread now?',
      hints: [
        '`kubectl patch svc {service} -p \'{"spec":{"sessionAffinity":"ClientIP"}}\'` changes the Service; kube-proxy rewrites its rules.',
        'Run the same 100-request loop again; `iptables -t nat -S | grep recent` on {clientNode} shows the `recent` rules that remember your address.',
      ],
      checks: {
        patched: {
          what: 'The Service {service} has sessionAffinity ClientIP.',
          fail: 'The Service {service} does not have sessionAffinity ClientIP.',
        },
        collapsed: {
          what: 'Your last 100 requests from {client} to the Service were all answered by one pod.',
          fail: 'Your last 100 requests from {client} to the Service did not all reach the same pod.',
        },
      },
    },
    'why-vip': {
      title: 'An address on no interface',
      prompt:
        '`ip addr` on any node or pod never shows {clusterIP}, yet requests to it are answered. Which statement explains why?',
      hints: [
        'Look at where {clusterIP} appears in `iptables -t nat -S` on a node, and in which chains: PREROUTING and OUTPUT run before the routing decision.',
      ],
      checks: {
        choice: {
          what: 'You picked the statement that matches how kube-proxy’s iptables mode works.',
          fail: 'That statement does not hold in iptables mode; think about what happens to the destination before routing.',
        },
      },
      choices: {
        'nat-only':
          '{clusterIP} exists only as a match in kube-proxy’s nat rules: the DNAT in PREROUTING (or OUTPUT) rewrites the destination to a pod before routing, so no interface needs to hold it.',
        'dummy-device': 'kube-proxy puts {clusterIP} on a hidden dummy device that `ip addr` does not list.',
        'proxy-process':
          'kube-proxy listens on {clusterIP}:{port} as a process and forwards each connection to a pod in user space.',
        'proxy-arp':
          'Every node answers ARP requests for {clusterIP} (proxy ARP), so frames for it reach a node without an address.',
      },
    },
  },
};
