import type { ProxierConfig } from './config.ts';
import { cidrContains, hostCidr } from './ip.ts';
import { probability } from './probability.ts';
import { assembleRestore, LARGE_CLUSTER_ENDPOINTS } from './render-current.ts';
import type { EndpointInfo, ServicePortInfo } from './service-ports.ts';
import { nodePortAddressIPs } from './service-ports.ts';

/**
 * The iptables-restore input of kube-proxy 1.19 and 1.20, the layout older learning material shows:
 * the ClusterIP masquerade rule sits in KUBE-SERVICES before the jump, NodePorts mark for masquerade
 * in KUBE-NODEPORTS, externalTrafficPolicy Local goes through KUBE-XLB- chains ("Balancing rule N"),
 * LoadBalancer source ranges end in KUBE-MARK-DROP (a kubelet chain), addresses carry /32, and
 * endpoints that are not ready are left out. KUBE-EXT/KUBE-SVL, the filter KUBE-NODEPORTS and
 * KUBE-PROXY-FIREWALL chains, nfacct and the terminating-endpoint fallback came later.
 */
export function renderLegacy(
  config: ProxierConfig,
  ports: readonly ServicePortInfo[],
  endpointsMap: ReadonlyMap<string, EndpointInfo[]>,
): string {
  const filterChains = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD'];
  const filterRules: string[] = [];
  const natChains = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];
  const natRules: string[] = [];
  const mark = config.mark;
  const loopback = config.family === 6 ? '::1/128' : '127.0.0.0/8';

  natRules.push(`-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN`);
  natRules.push(`-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}`);
  natRules.push(
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${config.randomFully ? ' --random-fully' : ''}`,
  );
  natRules.push(`-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}`);

  let totalEndpoints = 0;
  for (const port of ports) totalEndpoints += endpointsMap.get(port.key)?.length ?? 0;
  const comment = (text: string) => (totalEndpoints > LARGE_CLUSTER_ENDPOINTS ? '' : ` -m comment --comment ${text}`);

  for (const svc of ports) {
    const { nameString: name, proto, chains } = svc;
    const svcChain = chains.cluster;
    const xlbChain = chains.externalLocal;
    const onlyLocal = svc.onlyNodeLocalEndpoints;
    const match = `-m ${proto} -p ${proto}`;
    const endpoints = endpointsMap.get(svc.key) ?? [];
    const hasEndpoints = endpoints.length > 0;
    const noEndpoints = `"${name} has no endpoints"`;

    if (hasEndpoints) natChains.push(svcChain);
    if (onlyLocal) natChains.push(xlbChain);

    const clusterIP = hostCidr(svc.clusterIP);
    if (hasEndpoints) {
      const args = `-A KUBE-SERVICES -m comment --comment "${name} cluster IP" ${match} -d ${clusterIP} --dport ${svc.port}`;
      if (config.masqueradeAll) natRules.push(`${args} -j KUBE-MARK-MASQ`);
      else if (config.detector) natRules.push(`${args} ${config.detector.ifNotLocal} -j KUBE-MARK-MASQ`);
      natRules.push(`${args} -j ${svcChain}`);
    } else {
      filterRules.push(
        `-A KUBE-SERVICES -m comment --comment ${noEndpoints} ${match} -d ${clusterIP} --dport ${svc.port} -j REJECT`,
      );
    }

    for (const ip of svc.externalIPs) {
      const dest = hostCidr(ip);
      if (hasEndpoints) {
        const args = `-A KUBE-SERVICES -m comment --comment "${name} external IP" ${match} -d ${dest} --dport ${svc.port}`;
        let destChain = xlbChain;
        if (!onlyLocal) {
          destChain = svcChain;
          natRules.push(`${args} -j KUBE-MARK-MASQ`);
        }
        natRules.push(`${args} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ${destChain}`);
        natRules.push(`${args} -m addrtype --dst-type LOCAL -j ${destChain}`);
      } else {
        filterRules.push(
          `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${noEndpoints} ${match} -d ${dest} --dport ${svc.port} -j REJECT`,
        );
      }
    }

    for (const ip of svc.loadBalancerVIPs) {
      const dest = hostCidr(ip);
      if (!hasEndpoints) {
        filterRules.push(
          `-A KUBE-SERVICES -m comment --comment ${noEndpoints} ${match} -d ${dest} --dport ${svc.port} -j REJECT`,
        );
        continue;
      }
      const fwChain = chains.firewall;
      natChains.push(fwChain);
      natRules.push(
        `-A KUBE-SERVICES -m comment --comment "${name} loadbalancer IP" ${match} -d ${dest} --dport ${svc.port} -j ${fwChain}`,
      );
      const args = `-A ${fwChain} -m comment --comment "${name} loadbalancer IP"`;
      let chosen = xlbChain;
      if (!onlyLocal) {
        natRules.push(`${args} -j KUBE-MARK-MASQ`);
        chosen = svcChain;
      }
      if (svc.loadBalancerSourceRangeTexts.length === 0) {
        natRules.push(`${args} -j ${chosen}`);
      } else {
        let allowFromNode = false;
        svc.loadBalancerSourceRangeTexts.forEach((text, i) => {
          natRules.push(`${args} -s ${text} -j ${chosen}`);
          const range = svc.loadBalancerSourceRanges[i];
          if (range && config.nodeIP && cidrContains(range, config.nodeIP)) allowFromNode = true;
        });
        if (allowFromNode) natRules.push(`${args} -s ${dest} -j ${chosen}`);
      }
      natRules.push(`${args} -j KUBE-MARK-DROP`);
    }

    if (svc.nodePort !== 0) {
      if (hasEndpoints) {
        const args = `-A KUBE-NODEPORTS -m comment --comment ${name} ${match} --dport ${svc.nodePort}`;
        if (!onlyLocal) {
          natRules.push(`${args} -j KUBE-MARK-MASQ`);
          natRules.push(`${args} -j ${svcChain}`);
        } else {
          natRules.push(`${args} -s ${loopback} -j KUBE-MARK-MASQ`);
          natRules.push(`${args} -j ${xlbChain}`);
        }
      } else {
        filterRules.push(
          `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${noEndpoints} -m addrtype --dst-type LOCAL ${match} --dport ${svc.nodePort} -j REJECT`,
        );
      }
    }

    if (!hasEndpoints) continue;

    for (const ep of endpoints) natChains.push(ep.chain);
    if (svc.sessionAffinityClientIP) {
      for (const ep of endpoints) {
        natRules.push(
          `-A ${svcChain}${comment(name)} -m recent --name ${ep.chain} --rcheck --seconds ${svc.stickyMaxAgeSeconds} --reap -j ${ep.chain}`,
        );
      }
    }
    const n = endpoints.length;
    const localEndpoints: EndpointInfo[] = [];
    endpoints.forEach((ep, i) => {
      if (onlyLocal && ep.isLocal) localEndpoints.push(ep);
      const statistic = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
      natRules.push(`-A ${svcChain}${comment(name)}${statistic} -j ${ep.chain}`);
      const head = `-A ${ep.chain}${comment(name)}`;
      natRules.push(`${head} -s ${hostCidr(ep.ip)} -j KUBE-MARK-MASQ`);
      const affinity = svc.sessionAffinityClientIP ? ` -m recent --name ${ep.chain} --set` : '';
      natRules.push(`${head}${affinity} ${match} -j DNAT --to-destination ${ep.endpoint}`);
    });

    if (!onlyLocal) continue;
    if (config.detector) {
      natRules.push(
        `-A ${xlbChain} -m comment --comment "Redirect pods trying to reach external loadbalancer VIP to clusterIP" ${config.detector.ifLocal} -j ${svcChain}`,
      );
    }
    natRules.push(
      `-A ${xlbChain} -m comment --comment "masquerade LOCAL traffic for ${name} LB IP" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
    );
    natRules.push(
      `-A ${xlbChain} -m comment --comment "route LOCAL traffic for ${name} LB IP to service chain" -m addrtype --src-type LOCAL -j ${svcChain}`,
    );
    if (localEndpoints.length === 0) {
      natRules.push(`-A ${xlbChain} -m comment --comment "${name} has no local endpoints" -j KUBE-MARK-DROP`);
      continue;
    }
    if (svc.sessionAffinityClientIP) {
      for (const ep of localEndpoints) {
        natRules.push(
          `-A ${xlbChain} -m comment --comment ${name} -m recent --name ${ep.chain} --rcheck --seconds ${svc.stickyMaxAgeSeconds} --reap -j ${ep.chain}`,
        );
      }
    }
    const m = localEndpoints.length;
    localEndpoints.forEach((ep, i) => {
      const statistic = i < m - 1 ? ` -m statistic --mode random --probability ${probability(m - i)}` : '';
      natRules.push(`-A ${xlbChain} -m comment --comment "Balancing rule ${i} for ${name}"${statistic} -j ${ep.chain}`);
    });
  }

  const lastRule =
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"';
  if (config.nodePortNets === null) {
    natRules.push(`${lastRule} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  } else {
    for (const ip of nodePortAddressIPs(config.nodePortNets, config.interfaces, config.family)) {
      natRules.push(`${lastRule} -d ${ip.text} -j KUBE-NODEPORTS`);
    }
  }

  filterRules.push('-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP');
  filterRules.push(
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
  );
  filterRules.push(
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack pod source rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );
  filterRules.push(
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack pod destination rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );

  return assembleRestore(filterChains, filterRules, natChains, natRules);
}
