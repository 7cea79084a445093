import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { kindNodeSave } from '../commands/iptables/kind-node.ts';
import { caseInput, parseKubeProxyCase } from '../engine/k8s/kube-proxy/case-file.ts';
import { renderKubeProxyRestore, sortRestoreText } from '../engine/k8s/kube-proxy/index.ts';
import { VirtualClock } from '../engine/sim.ts';
import type { CliIo } from './program.ts';

interface KubeProxyOptions {
  case: string;
  format: 'restore' | 'save';
  sorted?: boolean;
  kubernetesVersion?: string;
}

function readCase(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read case file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseKubeProxyCase(json, path);
}

/** `packet-lab render …`: prints what a component would write, from a case file. */
export function addRenderCommand(program: Command, io: CliIo): void {
  const render = program.command('render').description('print what a node component writes for a case file');
  render
    .command('kube-proxy')
    .description('the iptables-restore input kube-proxy (iptables mode) writes for the case')
    .requiredOption('--case <file>', 'case JSON: cluster settings, services, endpointSlices')
    .addOption(
      new Option('--format <format>', 'restore: what kube-proxy writes; save: what iptables-save prints afterwards')
        .choices(['restore', 'save'])
        .default('restore'),
    )
    .option('--sorted', "order rules as kube-proxy's unit tests compare them (the cases' expected text)")
    .option('--kubernetes-version <version>', "override the case's Kubernetes version (default v1.31.0)")
    .action((options: KubeProxyOptions) => {
      const kubeCase = readCase(options.case);
      const input = caseInput(kubeCase);
      if (options.kubernetesVersion) input.kubernetesVersion = options.kubernetesVersion;
      if (options.format === 'save') {
        // A kind node's state before the first sync, the text loaded as kube-proxy loads it, then
        // iptables-save, dated at the engine's virtual epoch.
        const nfacct = kubeCase.cluster.nfacct ?? true;
        io.stdout(kindNodeSave(renderKubeProxyRestore(input), { nfacct, now: new VirtualClock().millis }));
        return;
      }
      const text = renderKubeProxyRestore(input);
      io.stdout(options.sorted ? sortRestoreText(text) : text);
    });
}
