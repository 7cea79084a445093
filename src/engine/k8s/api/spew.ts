/**
 * The text go-spew prints for `%#v` of a core/v1 PodTemplateSpec (Kubernetes 1.31 field layout),
 * which the deployment controller hashes into the pod-template-hash (pkg/util/hash DeepHashObject:
 * spew with SortKeys and DisableMethods). Every field of every Go struct prints, in declaration
 * order, as `Name:(type)value`; nil pointers, slices and maps print `<nil>`; strings print bare.
 */

type GoType =
  | { k: 'scalar'; t: string; zero: string }
  | { k: 'ptr'; t: string; elem: GoType }
  | { k: 'slice'; t: string; elem: GoType }
  | { k: 'map'; t: string }
  | { k: 'struct'; t: string; fields: Field[] }
  /** A type the labs never set: printed only in its nil form; a set value prints as `{}`. */
  | { k: 'opaque'; t: string };

/** [Go field name, JSON name, type]. */
type Field = readonly [string, string, GoType];

const str = (t = 'string'): GoType => ({ k: 'scalar', t, zero: '' });
const int = (t: string): GoType => ({ k: 'scalar', t, zero: '0' });
const bool: GoType = { k: 'scalar', t: 'bool', zero: 'false' };
const ptr = (elem: GoType, t = `*${elem.t}`): GoType => ({ k: 'ptr', t, elem });
const slice = (elem: GoType, t = `[]${elem.t}`): GoType => ({ k: 'slice', t, elem });
const map = (t = 'map[string]string'): GoType => ({ k: 'map', t });
const opaque = (t: string): GoType => ({ k: 'opaque', t });
const struct = (t: string, fields: Field[]): GoType => ({ k: 'struct', t, fields });

const time: GoType = struct('v1.Time', [
  [
    'Time',
    '',
    struct('time.Time', [
      ['wall', '', int('uint64')],
      ['ext', '', int('int64')],
      ['loc', '', opaque('*time.Location')],
    ]),
  ],
]);

const objectMeta = struct('v1.ObjectMeta', [
  ['Name', 'name', str()],
  ['GenerateName', 'generateName', str()],
  ['Namespace', 'namespace', str()],
  ['SelfLink', 'selfLink', str()],
  ['UID', 'uid', str('types.UID')],
  ['ResourceVersion', 'resourceVersion', str()],
  ['Generation', 'generation', int('int64')],
  ['CreationTimestamp', '', time],
  ['DeletionTimestamp', '', opaque('*v1.Time')],
  ['DeletionGracePeriodSeconds', 'deletionGracePeriodSeconds', ptr(int('int64'))],
  ['Labels', 'labels', map()],
  ['Annotations', 'annotations', map()],
  ['OwnerReferences', '', opaque('[]v1.OwnerReference')],
  ['Finalizers', 'finalizers', slice(str())],
  ['ManagedFields', '', opaque('[]v1.ManagedFieldsEntry')],
]);

const containerPort = struct('v1.ContainerPort', [
  ['Name', 'name', str()],
  ['HostPort', 'hostPort', int('int32')],
  ['ContainerPort', 'containerPort', int('int32')],
  ['Protocol', 'protocol', str('v1.Protocol')],
  ['HostIP', 'hostIP', str()],
]);

const envVar = struct('v1.EnvVar', [
  ['Name', 'name', str()],
  ['Value', 'value', str()],
  ['ValueFrom', 'valueFrom', opaque('*v1.EnvVarSource')],
]);

const resources = struct('v1.ResourceRequirements', [
  ['Limits', 'limits', opaque('v1.ResourceList')],
  ['Requests', 'requests', opaque('v1.ResourceList')],
  ['Claims', 'claims', opaque('[]v1.ResourceClaim')],
]);

const container = struct('v1.Container', [
  ['Name', 'name', str()],
  ['Image', 'image', str()],
  ['Command', 'command', slice(str())],
  ['Args', 'args', slice(str())],
  ['WorkingDir', 'workingDir', str()],
  ['Ports', 'ports', slice(containerPort)],
  ['EnvFrom', 'envFrom', opaque('[]v1.EnvFromSource')],
  ['Env', 'env', slice(envVar)],
  ['Resources', 'resources', resources],
  ['ResizePolicy', 'resizePolicy', opaque('[]v1.ContainerResizePolicy')],
  ['RestartPolicy', 'restartPolicy', ptr(str('v1.ContainerRestartPolicy'))],
  ['VolumeMounts', 'volumeMounts', opaque('[]v1.VolumeMount')],
  ['VolumeDevices', 'volumeDevices', opaque('[]v1.VolumeDevice')],
  ['LivenessProbe', 'livenessProbe', opaque('*v1.Probe')],
  ['ReadinessProbe', 'readinessProbe', opaque('*v1.Probe')],
  ['StartupProbe', 'startupProbe', opaque('*v1.Probe')],
  ['Lifecycle', 'lifecycle', opaque('*v1.Lifecycle')],
  ['TerminationMessagePath', 'terminationMessagePath', str()],
  ['TerminationMessagePolicy', 'terminationMessagePolicy', str('v1.TerminationMessagePolicy')],
  ['ImagePullPolicy', 'imagePullPolicy', str('v1.PullPolicy')],
  ['SecurityContext', 'securityContext', opaque('*v1.SecurityContext')],
  ['Stdin', 'stdin', bool],
  ['StdinOnce', 'stdinOnce', bool],
  ['TTY', 'tty', bool],
]);

const podSecurityContext = struct('v1.PodSecurityContext', [
  ['SELinuxOptions', 'seLinuxOptions', opaque('*v1.SELinuxOptions')],
  ['WindowsOptions', 'windowsOptions', opaque('*v1.WindowsSecurityContextOptions')],
  ['RunAsUser', 'runAsUser', ptr(int('int64'))],
  ['RunAsGroup', 'runAsGroup', ptr(int('int64'))],
  ['RunAsNonRoot', 'runAsNonRoot', ptr(bool)],
  ['SupplementalGroups', 'supplementalGroups', slice(int('int64'))],
  ['SupplementalGroupsPolicy', 'supplementalGroupsPolicy', ptr(str('v1.SupplementalGroupsPolicy'))],
  ['FSGroup', 'fsGroup', ptr(int('int64'))],
  ['Sysctls', 'sysctls', opaque('[]v1.Sysctl')],
  ['FSGroupChangePolicy', 'fsGroupChangePolicy', ptr(str('v1.PodFSGroupChangePolicy'))],
  ['SeccompProfile', 'seccompProfile', opaque('*v1.SeccompProfile')],
  ['AppArmorProfile', 'appArmorProfile', opaque('*v1.AppArmorProfile')],
]);

const toleration = struct('v1.Toleration', [
  ['Key', 'key', str()],
  ['Operator', 'operator', str('v1.TolerationOperator')],
  ['Value', 'value', str()],
  ['Effect', 'effect', str('v1.TaintEffect')],
  ['TolerationSeconds', 'tolerationSeconds', ptr(int('int64'))],
]);

const podSpec = struct('v1.PodSpec', [
  ['Volumes', 'volumes', opaque('[]v1.Volume')],
  ['InitContainers', 'initContainers', slice(container)],
  ['Containers', 'containers', slice(container)],
  ['EphemeralContainers', 'ephemeralContainers', opaque('[]v1.EphemeralContainer')],
  ['RestartPolicy', 'restartPolicy', str('v1.RestartPolicy')],
  ['TerminationGracePeriodSeconds', 'terminationGracePeriodSeconds', ptr(int('int64'))],
  ['ActiveDeadlineSeconds', 'activeDeadlineSeconds', ptr(int('int64'))],
  ['DNSPolicy', 'dnsPolicy', str('v1.DNSPolicy')],
  ['NodeSelector', 'nodeSelector', map()],
  ['ServiceAccountName', 'serviceAccountName', str()],
  ['DeprecatedServiceAccount', 'serviceAccount', str()],
  ['AutomountServiceAccountToken', 'automountServiceAccountToken', ptr(bool)],
  ['NodeName', 'nodeName', str()],
  ['HostNetwork', 'hostNetwork', bool],
  ['HostPID', 'hostPID', bool],
  ['HostIPC', 'hostIPC', bool],
  ['ShareProcessNamespace', 'shareProcessNamespace', ptr(bool)],
  ['SecurityContext', 'securityContext', ptr(podSecurityContext)],
  ['ImagePullSecrets', 'imagePullSecrets', opaque('[]v1.LocalObjectReference')],
  ['Hostname', 'hostname', str()],
  ['Subdomain', 'subdomain', str()],
  ['Affinity', 'affinity', opaque('*v1.Affinity')],
  ['SchedulerName', 'schedulerName', str()],
  ['Tolerations', 'tolerations', slice(toleration)],
  ['HostAliases', 'hostAliases', opaque('[]v1.HostAlias')],
  ['PriorityClassName', 'priorityClassName', str()],
  ['Priority', 'priority', ptr(int('int32'))],
  ['DNSConfig', 'dnsConfig', opaque('*v1.PodDNSConfig')],
  ['ReadinessGates', 'readinessGates', opaque('[]v1.PodReadinessGate')],
  ['RuntimeClassName', 'runtimeClassName', ptr(str())],
  ['EnableServiceLinks', 'enableServiceLinks', ptr(bool)],
  ['PreemptionPolicy', 'preemptionPolicy', ptr(str('v1.PreemptionPolicy'))],
  ['Overhead', 'overhead', opaque('v1.ResourceList')],
  ['TopologySpreadConstraints', 'topologySpreadConstraints', opaque('[]v1.TopologySpreadConstraint')],
  ['SetHostnameAsFQDN', 'setHostnameAsFQDN', ptr(bool)],
  ['OS', 'os', opaque('*v1.PodOS')],
  ['HostUsers', 'hostUsers', ptr(bool)],
  ['SchedulingGates', 'schedulingGates', opaque('[]v1.PodSchedulingGate')],
  ['ResourceClaims', 'resourceClaims', opaque('[]v1.PodResourceClaim')],
]);

const podTemplateSpec = struct('v1.PodTemplateSpec', [
  ['ObjectMeta', 'metadata', objectMeta],
  ['Spec', 'spec', podSpec],
]);

function isNil(v: unknown): boolean {
  return v === undefined || v === null;
}

function scalarText(t: GoType & { k: 'scalar' }, v: unknown): string {
  if (isNil(v)) return t.zero;
  return String(v);
}

/** spew's formatState.format for value `v` of Go type `t`; `typed` is !ignoreNextType. */
function fmt(t: GoType, v: unknown, typed: boolean): string {
  const head = typed ? `(${t.t})` : '';
  switch (t.k) {
    case 'scalar':
      return head + scalarText(t, v);
    case 'ptr':
      return isNil(v) ? `${head}<nil>` : head + fmt(t.elem, v, false);
    case 'opaque':
      return isNil(v) ? `${head}<nil>` : `${head}{}`;
    case 'slice': {
      if (!Array.isArray(v)) return `${head}<nil>`;
      return `${head}[${v.map((x) => fmt(t.elem, x, false)).join(' ')}]`;
    }
    case 'map': {
      if (isNil(v) || typeof v !== 'object') return `${head}<nil>`;
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `${head}map[${entries.map(([k, x]) => `${k}:${String(x)}`).join(' ')}]`;
    }
    case 'struct': {
      const obj = (v ?? {}) as Record<string, unknown>;
      const parts = t.fields.map(([name, json, ft]) => `${name}:${fmt(ft, json === '' ? undefined : obj[json], true)}`);
      return `${head}{${parts.join(' ')}}`;
    }
  }
}

/** `spew.Sprintf("%#v", template)` for a defaulted pod template in its JSON form. */
export function spewPodTemplateSpec(template: unknown): string {
  return fmt(podTemplateSpec, template, true);
}
