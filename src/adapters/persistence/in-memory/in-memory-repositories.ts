import type { AuditLog } from '../../../application/ports/audit-log.js';
import type { ChildOwnershipRepository } from '../../../application/ports/child-ownership-repository.js';
import type { HistoryRange, HistoryRepository, SeenHead } from '../../../application/ports/history-repository.js';
import type { AgentSessionRepository } from '../../../application/ports/agent-session-repository.js';
import type { InboundCursorRepository } from '../../../application/ports/inbound-cursor-repository.js';
import type { AcquireOutcome, LeaseRepository, Renewal } from '../../../application/ports/lease-repository.js';
import type { DeliveryFacts, FactsVersion, PeerDeliveryRepository, PeerMessageWrite } from '../../../application/ports/peer-delivery-repository.js';
import type { PeerRelationRepository } from '../../../application/ports/peer-relation-repository.js';
import type { PodRepository } from '../../../application/ports/pod-repository.js';
import type { Repositories } from '../../../application/ports/unit-of-work.js';
import type { AuditRecord } from '../../../domain/audit-record.js';
import type { ChildOwnership } from '../../../domain/child-ownership.js';
import type { EntryOf, HistoryEntry, HistoryEntryBody } from '../../../domain/history-entry.js';
import type { OrderedPair, PeerRelation } from '../../../domain/peer-relation.js';
import { peeringRefusal } from '../../../domain/peering.js';
import type { Pod } from '../../../domain/pod.js';
import type { PodName } from '../../../domain/pod-name.js';
import { isLive, type Lease, type PodDriver, type RuntimeStatus } from '../../../domain/pod-status.js';
import { InMemoryListingReader } from './in-memory-listing-reader.js';
import { InMemoryPodArchive } from './in-memory-pod-archive.js';
import { pairKey, type InMemoryTables } from './in-memory-tables.js';

const byName = <T extends { readonly name: string }>(x: T, y: T) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

export class InMemoryPodRepository implements PodRepository {
  constructor(private readonly t: InMemoryTables) {}
  async add(pod: Pod): Promise<'added' | 'exists'> {
    if (this.t.pods.has(pod.name)) return 'exists';
    this.t.pods.set(pod.name, structuredClone(pod));
    this.t.note(pod.name, { created: true });
    return 'added';
  }
  async get(name: PodName): Promise<Pod | undefined> {
    return this.t.pods.get(name);
  }
  async lock(name: PodName): Promise<Pod | undefined> {
    // Units of work run one at a time here: holding is a no-op.
    return this.t.pods.get(name);
  }
  async list(): Promise<readonly Pod[]> {
    return [...this.t.pods.values()].sort(byName);
  }
  async unserved(now: Date): Promise<readonly PodName[]> {
    return [...this.t.pods.values()]
      .filter((pod) => !isLive(this.t.leases.get(pod.name), now) && this.t.children.get(pod.name)?.state !== 'stopped')
      .sort(byName)
      .map((pod) => pod.name);
  }
}

export class InMemoryPeerRelationRepository implements PeerRelationRepository {
  constructor(private readonly t: InMemoryTables) {}
  async addIfAbsent(relation: PeerRelation, handshake?: { readonly audit: readonly AuditRecord[] }): Promise<'added' | 'exists'> {
    if (!(relation.a < relation.b)) throw new Error(`peer relation pair must be ordered: ${relation.a} < ${relation.b}`);
    const key = pairKey(relation.a, relation.b);
    if (this.t.relations.has(key)) return 'exists';
    if (handshake) {
      const { a, b } = relation;
      if (!this.t.pods.has(a) || !this.t.pods.has(b)) return 'exists';
      if (peeringRefusal(a, b, (pod) => this.t.children.get(pod)?.parent)) return 'exists';
    }
    this.t.relations.set(key, structuredClone(relation));
    for (const record of handshake?.audit ?? []) this.t.audit.push(structuredClone(record));
    return 'added';
  }
  async lockBetween(pair: OrderedPair): Promise<PeerRelation | undefined> {
    return this.t.relations.get(pairKey(pair.a, pair.b));
  }
  async listFor(pod: PodName): Promise<readonly PeerRelation[]> {
    return [...this.t.relations.values()].filter((r) => r.a === pod || r.b === pod);
  }
  async remove(pair: OrderedPair): Promise<PeerRelation | undefined> {
    const key = pairKey(pair.a, pair.b);
    const found = this.t.relations.get(key);
    this.t.relations.delete(key);
    return found;
  }
  async saveCounters(c: Pick<PeerRelation, 'a' | 'b' | 'lastPairSeq' | 'autoTurns'>): Promise<void> {
    const key = pairKey(c.a, c.b);
    const found = this.t.relations.get(key);
    if (found) this.t.relations.set(key, { ...found, lastPairSeq: c.lastPairSeq, autoTurns: c.autoTurns });
  }
  async resetAutoTurns(pod: PodName): Promise<void> {
    for (const [key, r] of this.t.relations) {
      if ((r.a === pod || r.b === pod) && r.autoTurns !== 0) this.t.relations.set(key, { ...r, autoTurns: 0 });
    }
  }
}

export class InMemoryChildOwnershipRepository implements ChildOwnershipRepository {
  constructor(private readonly t: InMemoryTables) {}
  async add(ownership: ChildOwnership): Promise<void> {
    if (this.t.children.has(ownership.child)) throw new Error(`pod \`${ownership.child}\` already has a parent`);
    this.t.children.set(ownership.child, structuredClone(ownership));
  }
  async findByChild(child: PodName): Promise<ChildOwnership | undefined> {
    return this.t.children.get(child);
  }
  async listByParents(parents: readonly PodName[]): Promise<readonly ChildOwnership[]> {
    const wanted = new Set<string>(parents);
    return [...this.t.children.values()].filter((c) => wanted.has(c.parent)).sort((x, y) => (x.child < y.child ? -1 : 1));
  }
  async update(ownership: ChildOwnership): Promise<void> {
    const found = this.t.children.get(ownership.child);
    if (!found) throw new Error(`pod \`${ownership.child}\` has no parent to update`);
    const { stoppedAt: _replaced, ...kept } = found;
    const { state, stoppedAt, outputCursor } = structuredClone(ownership);
    this.t.children.set(ownership.child, { ...kept, state, outputCursor, ...(stoppedAt ? { stoppedAt } : {}) });
  }
}

export class InMemoryHistoryRepository implements HistoryRepository {
  constructor(private readonly t: InMemoryTables) {}
  async append(pod: PodName, body: HistoryEntryBody, at: Date): Promise<HistoryEntry> {
    let entries = this.t.history.get(pod);
    if (!entries) this.t.history.set(pod, (entries = []));
    const entry = structuredClone({ ...body, pod, seq: entries.length + 1, at }) as HistoryEntry;
    entries.push(entry);
    this.t.note(pod, { history: true });
    return entry;
  }
  async read(pod: PodName, range: HistoryRange = {}): Promise<readonly HistoryEntry[]> {
    const entries = this.t.history.get(pod) ?? [];
    const from = Math.max(0, range.after ?? 0);
    const to = Math.max(from, Math.min(entries.length, range.before === undefined ? entries.length : range.before - 1));
    const limit = range.limit === undefined ? to - from : Math.max(0, Math.trunc(range.limit));
    return range.before === undefined ? entries.slice(from, Math.min(to, from + limit)) : entries.slice(Math.max(from, to - limit), to);
  }
  async get(pod: PodName, seq: number): Promise<HistoryEntry | undefined> {
    return Number.isInteger(seq) && seq >= 1 ? this.t.history.get(pod)?.[seq - 1] : undefined;
  }
  async head(pod: PodName): Promise<number> {
    return this.t.history.get(pod)?.length ?? 0;
  }
  async headsBeyond(seen: readonly SeenHead[]): Promise<readonly PodName[]> {
    return seen.filter(({ pod, seq }) => (this.t.history.get(pod)?.length ?? 0) > seq).map(({ pod }) => pod);
  }
  async findPeerMessageByKey(receiver: PodName, from: PodName, key: string): Promise<EntryOf<'peer_message'> | undefined> {
    return (this.t.history.get(receiver) ?? []).find(
      (e): e is EntryOf<'peer_message'> => e.kind === 'peer_message' && e.from === from && e.idempotencyKey === key,
    );
  }
}

export class InMemoryAuditLog implements AuditLog {
  constructor(private readonly t: InMemoryTables) {}
  async record(entry: AuditRecord): Promise<void> {
    this.t.audit.push(structuredClone(entry));
  }
  async listForRelation(relationId: string): Promise<readonly AuditRecord[]> {
    return this.t.audit.filter((r) => r.relationId === relationId);
  }
  async listForPod(pod: PodName): Promise<readonly AuditRecord[]> {
    return this.t.audit.filter((r) => r.pod === pod);
  }
}

export class InMemoryLeaseRepository implements LeaseRepository {
  constructor(private readonly t: InMemoryTables) {}
  async getMany(pods: readonly PodName[]): Promise<readonly Lease[]> {
    return pods.flatMap((p) => this.t.leases.get(p) ?? []);
  }
  async tryAcquire(pod: PodName, hostId: string, now: Date, expiresAt: Date, driver: PodDriver = 'model'): Promise<AcquireOutcome> {
    const held = this.t.leases.get(pod);
    if (isLive(held, now) && held.hostId !== hostId) return { acquired: false, heldBy: held };
    const lease: Lease = { pod, hostId, status: held?.hostId === hostId && isLive(held, now) ? held.status : 'idle', expiresAt, driver, renewedAt: now };
    this.t.leases.set(pod, lease);
    this.t.note(pod, { lease: { takenBy: hostId, driver } });
    return { acquired: true, lease };
  }
  async renew(pod: PodName, hostId: string, now: Date, expiresAt: Date, status?: RuntimeStatus): Promise<boolean> {
    const held = this.t.leases.get(pod);
    if (!isLive(held, now) || held.hostId !== hostId) return false;
    this.t.leases.set(pod, { ...held, expiresAt, renewedAt: now, status: status ?? held.status });
    return true;
  }
  async renewAll(hostId: string, renewals: readonly Renewal[], now: Date, expiresAt: Date): Promise<ReadonlySet<PodName>> {
    const renewed = new Set<PodName>();
    for (const { pod, status } of renewals) if (await this.renew(pod, hostId, now, expiresAt, status)) renewed.add(pod);
    return renewed;
  }
  async release(pod: PodName, hostId: string): Promise<void> {
    if (this.t.leases.get(pod)?.hostId === hostId) await this.revoke(pod);
  }
  async revoke(pod: PodName): Promise<void> {
    if (this.t.leases.delete(pod)) this.t.note(pod, { lease: 'ended' });
  }
}

export class InMemoryInboundCursorRepository implements InboundCursorRepository {
  constructor(private readonly t: InMemoryTables) {}
  async lock(pod: PodName): Promise<number> {
    // Units of work are serialized in memory: reading is locking.
    return this.t.inboundCursors.get(pod) ?? 0;
  }
  async advance(pod: PodName, through: number): Promise<void> {
    if (through > (this.t.inboundCursors.get(pod) ?? 0)) this.t.inboundCursors.set(pod, through);
  }
}

export class InMemoryAgentSessionRepository implements AgentSessionRepository {
  constructor(private readonly t: InMemoryTables) {}
  async get(pod: PodName): Promise<string | undefined> {
    return this.t.agentSessions.get(pod);
  }
  async save(pod: PodName, sessionId: string): Promise<void> {
    if (!this.t.pods.has(pod)) throw new Error(`no pod \`${pod}\` for an agent session`);
    this.t.agentSessions.set(pod, sessionId);
  }
}

export class InMemoryPeerDeliveryRepository implements PeerDeliveryRepository {
  constructor(
    private readonly t: InMemoryTables,
    private readonly history: HistoryRepository,
  ) {}
  async facts(from: PodName, to: PodName, idempotencyKey: string | undefined): Promise<DeliveryFacts> {
    const child = this.t.children.get(to);
    const lease = this.t.leases.get(to);
    return {
      relation: from === to ? undefined : this.t.relations.get(pairKey(...sorted(from, to))),
      child: child?.parent === from ? child : undefined,
      lease,
      first: idempotencyKey === undefined ? undefined : await this.history.findPeerMessageByKey(to, from, idempotencyKey),
      version: leaseVersion(lease),
    };
  }
  async write(d: PeerMessageWrite): Promise<{ readonly seq: number } | 'stale'> {
    const read = d.facts.relation;
    if (d.message.pairSeq !== read.lastPairSeq + 1) throw new Error(`peer message ${d.message.pairSeq} does not follow ${read.lastPairSeq}`);
    const key = pairKey(read.a, read.b);
    const now = this.t.relations.get(key);
    if (!now || now.id !== read.id || now.lastPairSeq !== read.lastPairSeq || now.autoTurns !== read.autoTurns) return 'stale';
    if (leaseVersion(this.t.leases.get(d.to)) !== d.facts.version) return 'stale';
    const entry = await this.history.append(d.to, d.message, d.at);
    if (d.notice) await this.history.append(d.to, { kind: 'notice', ...d.notice, seenThrough: entry.seq }, d.at);
    this.t.relations.set(key, { ...now, lastPairSeq: d.message.pairSeq, autoTurns: d.autoTurns });
    return { seq: entry.seq };
  }
}

/** The receiver's lease as it was read: any change to it, its renewal included, is another version. */
const leaseVersion = (lease: Lease | undefined): FactsVersion => JSON.stringify(lease ?? null) as FactsVersion;
const sorted = (x: string, y: string): [string, string] => (x < y ? [x, y] : [y, x]);

export function inMemoryRepositories(t: InMemoryTables): Repositories {
  const history = new InMemoryHistoryRepository(t);
  return {
    pods: new InMemoryPodRepository(t),
    relations: new InMemoryPeerRelationRepository(t),
    children: new InMemoryChildOwnershipRepository(t),
    history,
    audit: new InMemoryAuditLog(t),
    leases: new InMemoryLeaseRepository(t),
    inboundCursors: new InMemoryInboundCursorRepository(t),
    agentSessions: new InMemoryAgentSessionRepository(t),
    deliveries: new InMemoryPeerDeliveryRepository(t, history),
    listing: new InMemoryListingReader(t),
    archive: new InMemoryPodArchive(t),
  };
}
