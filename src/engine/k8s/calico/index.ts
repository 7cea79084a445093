export { type CalicoPolicy, type CalicoRule, k8sNetworkPolicyToCalico } from './convert.ts';
export { renderFelix } from './felix.ts';
export * from './names.ts';
export { canonicalSelector, evaluateSelector, parseSelector, selectorString } from './selector.ts';
export type * from './types.ts';
