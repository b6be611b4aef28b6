import type { ColumnType, Generated } from 'kysely';

/** Documents that can hold untrusted text are `json`, not `jsonb`: `jsonb` refuses \u0000 and lone surrogates. */
export interface Database {
  pod: PodTable;
  peer_relation: PeerRelationTable;
  child_ownership: ChildOwnershipTable;
  history_entry: HistoryEntryTable;
  audit_record: AuditRecordTable;
  lease: LeaseTable;
  inbound_cursor: InboundCursorTable;
  agent_session: AgentSessionTable;
  removed_pod: RemovedPodTable;
  removed_history_entry: RemovedHistoryEntryTable;
}

/** Written as a JSON text parameter, read back parsed. */
export type JsonColumn<T> = ColumnType<T, string, string>;

export interface PodTable {
  name: string;
  scope: JsonColumn<unknown>;
  parent: string | null;
  created_at: ColumnType<Date, Date, never>;
  /** The last history sequence number handed out; the counter row that keeps `seq` gap-free. */
  last_seq: Generated<number>;
  profile: Generated<string>;
}

export interface PeerRelationTable {
  a: string;
  b: string;
  id: string;
  since: ColumnType<Date, Date, never>;
  initiated_from: string;
  audit_id: string;
  last_pair_seq: number;
  auto_turns: number;
}

export interface ChildOwnershipTable {
  child: string;
  parent: string;
  scope: JsonColumn<unknown>;
  state: 'outstanding' | 'stopped';
  spawned_at: ColumnType<Date, Date, never>;
  stopped_at: Date | null;
  output_cursor: number;
}

export interface HistoryEntryTable {
  pod: string;
  seq: number;
  kind: string;
  at: Date;
  body: JsonColumn<Record<string, unknown>>;
  from_pod: string | null;
  /** JSON-encoded, so any JS string (NUL included) fits a text column. */
  idempotency_key: string | null;
}

export interface AuditRecordTable {
  /** Insertion order: "oldest first" even when two records share a timestamp. Never selected (int8). */
  position: Generated<string>;
  id: string;
  pod: string;
  at: Date;
  action: 'peer_added' | 'peer_removed';
  relation_id: string;
  counterpart: string;
  initiated_from: string;
  via: string;
}

export interface LeaseTable {
  pod: string;
  host_id: string;
  status: 'idle' | 'running';
  expires_at: Date;
  driver: 'model' | 'mcp' | 'acp';
  /** When it was last taken or renewed (null: taken by a version before 0006, not renewed since). */
  renewed_at: ColumnType<Date | null, Date | undefined, Date>;
  /** The leased Pod's parent, set by the store itself (migration 0008's triggers): never written by pods. */
  parent: ColumnType<string | null, never, never>;
}

export interface InboundCursorTable {
  pod: string;
  seen_through: number;
}

export interface AgentSessionTable {
  pod: string;
  session_id: string;
  updated_at: Date;
}

export interface RemovedPodTable {
  id: string;
  name: string;
  removed_at: Date;
  scope: JsonColumn<unknown>;
  parent: string | null;
  created_at: Date;
  profile: string;
  entries: number;
  audit: JsonColumn<unknown>;
}

export interface RemovedHistoryEntryTable {
  removal_id: string;
  seq: number;
  kind: string;
  at: Date;
  body: JsonColumn<Record<string, unknown>>;
}
