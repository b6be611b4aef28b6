import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { agentLatency, agentLatencyLines } from './agent-latency.js';
import { agentMemory, agentMemoryLines } from './agent-memory.js';
import { agentStart, agentStartLines } from './agent-start.js';

/**
 * `node dist/bench/agents.js` (after `npm run build`): the agent figures of docs/benchmarks.md
 * in one run: what pods adds around a prompt and an update (bench/agent-latency.ts), the
 * memory of a host with 20 parked agent Pods (bench/agent-memory.ts), and an agent's start
 * with and without the sandbox and its resume from parked (bench/agent-start.ts; the real
 * agents from tools/agents/install-agents.sh, skipped with a line when not installed).
 */
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`${cpus().length} CPUs, Node ${process.version}, load ${load()} at the start`);
for (const line of agentLatencyLines(await agentLatency())) console.log(line);
for (const line of agentMemoryLines(await agentMemory())) console.log(line);
const { findAgent } = await import('../test/support/real-agents.js');
const real = (['codex', 'claude'] as const).filter((agent) => {
  const found = findAgent(agent);
  if (!found.ok) console.log(`skipping ${agent}: ${found.reason}`);
  return found.ok;
});
for (const line of agentStartLines(await agentStart(['scripted', ...real]))) console.log(line);
console.log(`load ${load()} at the end`);
