/**
 * What the CLI's commands run, in one module that they import on use: `pods --help` and
 * usage errors never load the application (inversify, the use cases, the TUI), and the
 * commands that do load it share one chunk of the bundle.
 */
export { HostRuntime } from '../../application/host/host-runtime.js';
export { PodTools } from '../../application/tools/pod-tools.js';
export { CreatePod } from '../../application/use-cases/create-pod.js';
export { ExplainEntry } from '../../application/use-cases/explain-entry.js';
export { InitiatePeerHandshake } from '../../application/use-cases/initiate-peer-handshake.js';
export { ListAllPods } from '../../application/use-cases/list-all-pods.js';
export { ReadHistory } from '../../application/use-cases/read-history.js';
export { RemovePeer } from '../../application/use-cases/remove-peer.js';
export { TakeUnseenInbound } from '../../application/use-cases/take-unseen-inbound.js';
export { runTui } from '../tui/run-tui.js';
