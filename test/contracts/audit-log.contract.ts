import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/audit-record.js';
import { inRun, later, name, seedPods, type ContractFixture } from './contract-fixture.js';

const record = (id: string, pod: string, counterpart: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  id,
  pod: name(pod),
  at: later(0),
  action: 'peer_added',
  relationId: 'rel_1',
  counterpart: name(counterpart),
  initiatedFrom: name(pod),
  via: 'tui',
  ...extra,
});

export function auditLogContract(f: ContractFixture): void {
  describe('AuditLog contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob', 'cat');
    });

    it('lists the records of a Pod oldest first, field for field, with Dates', async () => {
      const records = [
        record('aud_3', 'ann', 'bob', { at: later(10) }),
        record('aud_1', 'bob', 'ann', { at: later(10) }),
        record('aud_2', 'ann', 'bob', { at: later(20), action: 'peer_removed', initiatedFrom: name('bob'), via: 'cli' }),
        record('aud_0', 'ann', 'cat', { at: later(30), relationId: 'rel_2' }),
      ];
      for (const r of records) await inRun(f, (repos) => repos.audit.record(r));
      const ann = await inRun(f, (r) => r.audit.listForPod(name('ann')));
      expect(ann).toEqual([records[0], records[2], records[3]]);
      expect(ann[1]?.at).toBeInstanceOf(Date);
      expect(ann[1]?.at.getTime()).toBe(later(20).getTime());
      expect(await inRun(f, (r) => r.audit.listForPod(name('bob')))).toEqual([records[1]]);
    });

    it('keeps insertion order among records with the same timestamp', async () => {
      const ids = ['aud_z', 'aud_a', 'aud_m'];
      await inRun(f, async (r) => {
        for (const id of ids) await r.audit.record(record(id, 'ann', 'bob'));
      });
      expect((await inRun(f, (r) => r.audit.listForPod(name('ann')))).map((x) => x.id)).toEqual(ids);
    });

    it('lists every record of a relation, for both Pods, in order', async () => {
      const added = [record('aud_a', 'ann', 'bob'), record('aud_b', 'bob', 'ann')];
      const removed = [
        record('aud_c', 'ann', 'bob', { action: 'peer_removed', at: later(5) }),
        record('aud_d', 'bob', 'ann', { action: 'peer_removed', at: later(5) }),
      ];
      await inRun(f, async (r) => {
        for (const x of added) await r.audit.record(x);
        await r.audit.record(record('aud_other', 'ann', 'cat', { relationId: 'rel_2' }));
        for (const x of removed) await r.audit.record(x);
      });
      expect(await inRun(f, (r) => r.audit.listForRelation('rel_1'))).toEqual([...added, ...removed]);
    });

    it('lists nothing for a Pod or relation without records', async () => {
      await inRun(f, (r) => r.audit.record(record('aud_1', 'ann', 'bob')));
      expect(await inRun(f, (r) => r.audit.listForPod(name('cat')))).toEqual([]);
      expect(await inRun(f, (r) => r.audit.listForRelation('rel_none'))).toEqual([]);
    });
  });
}
