import type { HistoryRange } from '../../../application/ports/history-repository.js';
import type { PodArchive, RemovedPod } from '../../../application/ports/pod-archive.js';
import type { HistoryEntry } from '../../../domain/history-entry.js';
import type { PodName } from '../../../domain/pod-name.js';
import { isLive } from '../../../domain/pod-status.js';
import type { InMemoryTables } from './in-memory-tables.js';

export class InMemoryPodArchive implements PodArchive {
  constructor(private readonly t: InMemoryTables) {}

  async archive(name: PodName, removal: { readonly id: string; readonly at: Date }): Promise<RemovedPod> {
    const pod = this.t.pods.get(name);
    if (!pod) throw new Error(`no pod \`${name}\` to remove`);
    if (isLive(this.t.leases.get(name), removal.at)) throw new Error(`pod \`${name}\` became live while it was being removed`);
    const history = this.t.history.get(name) ?? [];
    const removed: RemovedPod = { id: removal.id, removedAt: new Date(removal.at), pod, entries: history.length };
    // Whole arrays are replaced, never changed in place, so a unit of work that throws restores them.
    this.t.archived.push({ removed, history, audit: this.t.audit.filter((r) => r.pod === name) });
    this.t.audit = this.t.audit.filter((r) => r.pod !== name);
    this.t.history.delete(name);
    for (const table of [this.t.leases, this.t.inboundCursors, this.t.agentSessions, this.t.children, this.t.pods]) table.delete(name);
    this.t.note(name, { removed: true });
    return removed;
  }

  async removals(name: PodName): Promise<readonly RemovedPod[]> {
    return this.t.archived.filter((a) => a.removed.pod.name === name).map((a) => a.removed);
  }

  async readRemoved(removalId: string, range: Omit<HistoryRange, 'before'> = {}): Promise<readonly HistoryEntry[]> {
    const entries = this.t.archived.find((a) => a.removed.id === removalId)?.history ?? [];
    const from = Math.max(0, range.after ?? 0);
    return entries.slice(from, range.limit === undefined ? undefined : from + range.limit);
  }
}
