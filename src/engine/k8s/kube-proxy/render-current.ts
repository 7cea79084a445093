import { categorizeEndpoints, usesClusterEndpoints, usesLocalEndpoints } from './categorize.ts';
import type { ProxierConfig } from './config.ts';
import { cidrContains, isLoopbackIp } from './ip.ts';
import { probability } from './probability.ts';
import type { EndpointInfo, ServicePortInfo } from './service-ports.ts';
import { nodePortAddressIPs } from './service-ports.ts';

/**
 * The iptables-restore input of one full sync of kube-proxy 1.27 and later (syncProxyRules in
 * pkg/proxy/iptables/proxier.go): KUBE-EXT/KUBE-SVL chains, LoadBalancer source ranges dropped in
 * filter KUBE-PROXY-FIREWALL, and the optional nfacct counters. Rules keep kube-proxy's own order
 * within each buffer; services come in the order given.
 */

/** Total endpoints above which comments are left out of SEP rules (largeClusterEndpointsThreshold). */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

const LAST_RULE_COMMENT = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"';

export function renderCurrent(
  config: ProxierConfig,
  ports: readonly ServicePortInfo[],
  endpointsMap: ReadonlyMap<string, EndpointInfo[]>,
): string {
  const filterChains = [
    'KUBE-SERVICES',
    'KUBE-EXTERNAL-SERVICES',
    'KUBE-FORWARD',
    'KUBE-NODEPORTS',
    'KUBE-PROXY-FIREWALL',
  ];
  const filterRules: string[] = [];
  const natChains = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];
  const natRules: string[] = [];
  const mark = config.mark;
  const ipv6 = config.family === 6;

  natRules.push(`-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN`);
  natRules.push(`-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}`);
  natRules.push(
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${config.randomFully ? ' --random-fully' : ''}`,
  );
  natRules.push(`-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}`);

  if (!ipv6 && config.localhostNodePorts) {
    filterChains.push('KUBE-FIREWALL');
    filterRules.push(
      '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    );
  }

  let totalEndpoints = 0;
  for (const port of ports) totalEndpoints += endpointsMap.get(port.key)?.length ?? 0;
  const largeCluster = totalEndpoints > LARGE_CLUSTER_ENDPOINTS;
  const comment = (text: string) => (largeCluster ? '' : ` -m comment --comment ${text}`);

  for (const svc of ports) {
    const { nameString: name, proto, chains } = svc;
    const match = `-m ${proto} -p ${proto}`;
    const { cluster, local, allReachable, hasAny } = categorizeEndpoints(endpointsMap.get(svc.key) ?? [], svc);

    const usesClusterChain = cluster.length > 0 && usesClusterEndpoints(svc);
    const usesLocalChain = local.length > 0 && usesLocalEndpoints(svc);
    const internalChain = svc.internalPolicyLocal ? chains.local : chains.cluster;
    const hasInternal = hasAny && !(svc.internalPolicyLocal && local.length === 0);
    const externalPolicyChain = svc.externalPolicyLocal ? chains.local : chains.cluster;
    const hasExternal = hasAny && !(svc.externalPolicyLocal && local.length === 0);
    const usesExternalChain = hasAny && svc.externallyAccessible;
    const usesFirewall = hasAny && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    const loadBalancerChain = usesFirewall ? chains.firewall : chains.external;

    let internalTarget = '';
    let internalComment = '';
    let externalTarget = '';
    let externalComment = '';
    if (!hasAny) {
      internalTarget = externalTarget = 'REJECT';
      internalComment = externalComment = `"${name} has no endpoints"`;
    } else {
      if (!hasInternal) {
        internalTarget = 'DROP';
        internalComment = `"${name} has no local endpoints"`;
      }
      if (!hasExternal) {
        externalTarget = 'DROP';
        externalComment = `"${name} has no local endpoints"`;
      }
    }

    const clusterIP = svc.clusterIP.text;
    if (hasInternal) {
      natRules.push(
        `-A KUBE-SERVICES -m comment --comment "${name} cluster IP" ${match} -d ${clusterIP} --dport ${svc.port} -j ${internalChain}`,
      );
    } else {
      filterRules.push(
        `-A KUBE-SERVICES -m comment --comment ${internalComment} ${match} -d ${clusterIP} --dport ${svc.port} -j ${internalTarget}`,
      );
    }

    for (const ip of svc.externalIPs) {
      if (hasAny) {
        natRules.push(
          `-A KUBE-SERVICES -m comment --comment "${name} external IP" ${match} -d ${ip.text} --dport ${svc.port} -j ${chains.external}`,
        );
      }
      if (!hasExternal) {
        filterRules.push(
          `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalComment} ${match} -d ${ip.text} --dport ${svc.port} -j ${externalTarget}`,
        );
      }
    }

    for (const ip of svc.loadBalancerVIPs) {
      if (hasAny) {
        natRules.push(
          `-A KUBE-SERVICES -m comment --comment "${name} loadbalancer IP" ${match} -d ${ip.text} --dport ${svc.port} -j ${loadBalancerChain}`,
        );
      }
      if (usesFirewall) {
        filterRules.push(
          `-A KUBE-PROXY-FIREWALL -m comment --comment "${name} traffic not accepted by ${chains.firewall}" ${match} -d ${ip.text} --dport ${svc.port} -j DROP`,
        );
      }
    }
    if (!hasExternal) {
      for (const ip of svc.loadBalancerVIPs) {
        filterRules.push(
          `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalComment} ${match} -d ${ip.text} --dport ${svc.port} -j ${externalTarget}`,
        );
      }
    }

    if (svc.nodePort !== 0) {
      if (hasAny) {
        if (config.localhostNodePorts && !ipv6 && config.nfacct) {
          natRules.push(
            `-A KUBE-NODEPORTS -m comment --comment ${name} ${match} -d 127.0.0.0/8 --dport ${svc.nodePort} -m nfacct --nfacct-name localhost_nps_accepted_pkts -j ${chains.external}`,
          );
        }
        natRules.push(
          `-A KUBE-NODEPORTS -m comment --comment ${name} ${match} --dport ${svc.nodePort} -j ${chains.external}`,
        );
      }
      if (!hasExternal) {
        filterRules.push(
          `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalComment} -m addrtype --dst-type LOCAL ${match} --dport ${svc.nodePort} -j ${externalTarget}`,
        );
      }
    }

    if (svc.healthCheckNodePort !== 0) {
      filterRules.push(
        `-A KUBE-NODEPORTS -m comment --comment "${name} health check node port" -m tcp -p tcp --dport ${svc.healthCheckNodePort} -j ACCEPT`,
      );
    }

    if (hasInternal) {
      const args = `-m comment --comment "${name} cluster IP" ${match} -d ${clusterIP} --dport ${svc.port}`;
      if (config.masqueradeAll) natRules.push(`-A ${internalChain} ${args} -j KUBE-MARK-MASQ`);
      else if (config.detector)
        natRules.push(`-A ${internalChain} ${args} ${config.detector.ifNotLocal} -j KUBE-MARK-MASQ`);
    }

    if (usesExternalChain) {
      const ext = chains.external;
      natChains.push(ext);
      if (!svc.externalPolicyLocal) {
        natRules.push(
          `-A ${ext} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ`,
        );
      } else {
        if (config.detector) {
          natRules.push(
            `-A ${ext} -m comment --comment "pod traffic for ${name} external destinations" ${config.detector.ifLocal} -j ${chains.cluster}`,
          );
        }
        natRules.push(
          `-A ${ext} -m comment --comment "masquerade LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        );
        natRules.push(
          `-A ${ext} -m comment --comment "route LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j ${chains.cluster}`,
        );
      }
      if (hasExternal) natRules.push(`-A ${ext} -j ${externalPolicyChain}`);
    }

    if (usesFirewall) {
      const fw = chains.firewall;
      natChains.push(fw);
      const head = `-A ${fw} -m comment --comment "${name} loadbalancer IP"`;
      let allowFromNode = false;
      for (const range of svc.loadBalancerSourceRanges) {
        natRules.push(`${head} -s ${range.text} -j ${chains.external}`);
        if (config.nodeIP && cidrContains(range, config.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode) {
        for (const ip of svc.loadBalancerVIPs) natRules.push(`${head} -s ${ip.text} -j ${chains.external}`);
      }
      natRules.push(`-A ${fw} -m comment --comment "other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"`);
    }

    if (usesClusterChain) {
      natChains.push(chains.cluster);
      writeServiceToEndpointRules(natRules, svc, chains.cluster, cluster, largeCluster);
    }
    if (usesLocalChain) {
      natChains.push(chains.local);
      writeServiceToEndpointRules(natRules, svc, chains.local, local, largeCluster);
    }

    for (const ep of allReachable) {
      natChains.push(ep.chain);
      const head = `-A ${ep.chain}${comment(name)}`;
      natRules.push(`${head} -s ${ep.ip.text} -j KUBE-MARK-MASQ`);
      const affinity = svc.sessionAffinityClientIP ? ` -m recent --name ${ep.chain} --set` : '';
      natRules.push(`${head}${affinity} ${match} -j DNAT --to-destination ${ep.endpoint}`);
    }
  }

  if (config.nodePortNets === null) {
    let destinations = '-m addrtype --dst-type LOCAL';
    if (ipv6) destinations += ' ! -d ::1/128';
    else if (!config.localhostNodePorts) destinations += ' ! -d 127.0.0.0/8';
    natRules.push(`-A KUBE-SERVICES -m comment --comment ${LAST_RULE_COMMENT} ${destinations} -j KUBE-NODEPORTS`);
  } else {
    for (const ip of nodePortAddressIPs(config.nodePortNets, config.interfaces, config.family)) {
      if (isLoopbackIp(ip) && (ipv6 || !config.localhostNodePorts)) continue;
      natRules.push(`-A KUBE-SERVICES -m comment --comment ${LAST_RULE_COMMENT} -d ${ip.text} -j KUBE-NODEPORTS`);
    }
  }

  if (!config.conntrackTCPLiberal) {
    const nfacct = config.nfacct ? ' -m nfacct --nfacct-name ct_state_invalid_dropped_pkts' : '';
    filterRules.push(`-A KUBE-FORWARD -m conntrack --ctstate INVALID${nfacct} -j DROP`);
  }
  filterRules.push(
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
  );
  filterRules.push(
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );

  return assembleRestore(filterChains, filterRules, natChains, natRules);
}

function writeServiceToEndpointRules(
  natRules: string[],
  svc: ServicePortInfo,
  chain: string,
  endpoints: readonly EndpointInfo[],
  largeCluster: boolean,
): void {
  const comment = (ep: EndpointInfo) =>
    largeCluster ? '' : ` -m comment --comment "${svc.nameString} -> ${ep.endpoint}"`;
  if (svc.sessionAffinityClientIP) {
    for (const ep of endpoints) {
      natRules.push(
        `-A ${chain}${comment(ep)} -m recent --name ${ep.chain} --rcheck --seconds ${svc.stickyMaxAgeSeconds} --reap -j ${ep.chain}`,
      );
    }
  }
  const n = endpoints.length;
  endpoints.forEach((ep, i) => {
    const statistic = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    natRules.push(`-A ${chain}${comment(ep)}${statistic} -j ${ep.chain}`);
  });
}

/** One `iptables-restore` input: filter then nat, chain lines before rules. */
export function assembleRestore(
  filterChains: readonly string[],
  filterRules: readonly string[],
  natChains: readonly string[],
  natRules: readonly string[],
): string {
  let text = '*filter\n';
  for (const chain of filterChains) text += `:${chain} - [0:0]\n`;
  for (const rule of filterRules) text += `${rule}\n`;
  text += 'COMMIT\n*nat\n';
  for (const chain of natChains) text += `:${chain} - [0:0]\n`;
  for (const rule of natRules) text += `${rule}\n`;
  return `${text}COMMIT\n`;
}
