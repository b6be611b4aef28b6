import type { Kysely, Selectable } from 'kysely';
import type { AuditLog } from '../../../../application/ports/audit-log.js';
import type { AuditRecord } from '../../../../domain/audit-record.js';
import { PodName } from '../../../../domain/pod-name.js';
import type { AuditRecordTable, Database } from '../schema/database.js';

const COLUMNS = ['id', 'pod', 'at', 'action', 'relation_id', 'counterpart', 'initiated_from', 'via'] as const;

const toRecord = (row: Pick<Selectable<AuditRecordTable>, (typeof COLUMNS)[number]>): AuditRecord => ({
  id: row.id,
  pod: PodName.unsafe(row.pod),
  at: row.at,
  action: row.action,
  relationId: row.relation_id,
  counterpart: PodName.unsafe(row.counterpart),
  initiatedFrom: PodName.unsafe(row.initiated_from),
  via: row.via,
});

export class KyselyAuditLog implements AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_record')
      .values({
        id: entry.id,
        pod: entry.pod,
        at: entry.at,
        action: entry.action,
        relation_id: entry.relationId,
        counterpart: entry.counterpart,
        initiated_from: entry.initiatedFrom,
        via: entry.via,
      })
      .execute();
  }

  async listForRelation(relationId: string): Promise<readonly AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_record').select(COLUMNS).where('relation_id', '=', relationId).orderBy('position').execute();
    return rows.map(toRecord);
  }

  async listForPod(pod: PodName): Promise<readonly AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_record').select(COLUMNS).where('pod', '=', pod).orderBy('position').execute();
    return rows.map(toRecord);
  }
}
