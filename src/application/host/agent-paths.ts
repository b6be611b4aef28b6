import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';

export const agentStateDir = (home: string, pod: PodName): string => `${home}/agents/${pod}`;

/** Where the agent works: the Pod's first write rule, else its first rule, else a directory of its own. */
export function agentWorkingDir(pod: Pod, stateDir: string): string {
  const rule = pod.scope.find((r) => r.permission === 'write') ?? pod.scope[0];
  return rule?.target ?? `${stateDir}/work`;
}
