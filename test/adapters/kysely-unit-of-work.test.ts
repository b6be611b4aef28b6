import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/persistence/postgres/schema/database.js';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { StoreUnavailable } from '../../src/application/ports/store-unavailable.js';
import { ListAllPods } from '../../src/application/use-cases/list-all-pods.js';
import { ListPods } from '../../src/application/use-cases/list-pods.js';
import { Boom, inRun, name, operatorPod, seedPods, sleep } from '../contracts/contract-fixture.js';
import { openOncePerSuite, openPostgresTestStore, TEST_SERVERS, type SqlTestStore } from '../support/test-stores.js';

/** An error as the server reports a transaction it aborted. */
const sqlError = (code: string) => Object.assign(new Error(`server said ${code}`), { code });

function kyselyUnitOfWorkTests(label: string, open: () => Promise<SqlTestStore & { readonly url: string }>): void {
  describe(`KyselyUnitOfWork (${label})`, () => {
    const s = openOncePerSuite(open);
    beforeEach(async () => {
      await s().reset();
    });

    it('reruns work the server aborted for a deadlock, with the first attempt rolled back', async () => {
      let attempts = 0;
      const result = await s().uow().run(async (r) => {
        attempts += 1;
        await r.pods.add(operatorPod(`try${attempts}`));
        if (attempts === 1) throw sqlError('40P01');
        return 'done';
      });
      expect(result).toBe('done');
      expect(attempts).toBe(2);
      expect((await inRun(s, (r) => r.pods.list())).map((p) => p.name)).toEqual(['try2']);
    });

    it.each([
      ['gives up after five attempts at work the server keeps aborting', '40001', 5],
      ['does not rerun work that failed for any other reason', '23505', 1],
    ] as const)('%s', async (_label, code, expected) => {
      let attempts = 0;
      await expect(
        s().uow().run(async () => {
          attempts += 1;
          throw sqlError(code);
        }),
      ).rejects.toThrow(`server said ${code}`);
      expect(attempts).toBe(expected);
    });

    it.each([
      ['the server full (53300: no connection slot left)', '53300'],
      ['the server cannot take connections now (57P03)', '57P03'],
      ['the connection broke (08006)', '08006'],
    ] as const)('reports %s as the store unreachable, once, for the caller to wait out', async (_label, code) => {
      let attempts = 0;
      const failed = s().uow().run(async () => {
        attempts += 1;
        throw sqlError(code);
      });
      await expect(failed).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(failed).rejects.toThrow(`the store is unreachable: server said ${code}`);
      expect(attempts).toBe(1);
    });

    it('joins the transaction it is given instead of opening a nested one', async () => {
      await expect(
        s().store.db.transaction().execute(async (trx) => {
          const inner = new KyselyUnitOfWork(trx);
          await inner.run((r) => r.pods.add(operatorPod('joined')));
          expect(await inner.run((r) => r.pods.get(name('joined')))).toBeDefined();
          throw new Boom();
        }),
      ).rejects.toThrow(Boom);
      expect(await inRun(s, (r) => r.pods.get(name('joined')))).toBeUndefined();
    });

    it('resolves a real deadlock between two units by rerunning the loser', async () => {
      await seedPods(s, 'ann', 'bob');
      let attempts = 0;
      const crossing = (first: string, second: string) =>
        s().uow().run(async (r) => {
          attempts += 1;
          await r.history.append(name(first), { kind: 'assistant_message', text: `from ${first}` }, new Date());
          await sleep(100); // both units now hold their first row
          await r.history.append(name(second), { kind: 'assistant_message', text: `from ${first}` }, new Date());
        });
      await Promise.all([crossing('ann', 'bob'), crossing('bob', 'ann')]);
      // At least one rerun. Not exactly one: the loser's rerun may take its first row again
      // before the woken winner does, and cross it once more (seen on a loaded machine).
      expect(attempts).toBeGreaterThanOrEqual(3);
      const count = await sql<{ n: number }>`select count(*)::int as n from history_entry`.execute(s().store.db);
      expect(count.rows[0]?.n).toBe(4);
    });

    describe('a single-read unit', () => {
      /** A unit of work on its own pool that records every statement it sends, BEGIN and COMMIT included. */
      const logged = () => {
        const sent: string[] = [];
        const db = new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: s().url, max: 1 }) }),
          log: (event) => {
            sent.push(event.query.sql.trim().split(/\s+/)[0]!.toLowerCase());
          },
        });
        return { sent, uow: new KyselyUnitOfWork(db), close: () => db.destroy() };
      };

      it('sends its one statement without BEGIN and COMMIT', async () => {
        await seedPods(s, 'ann');
        const { sent, uow, close } = logged();
        try {
          expect(await uow.run((r) => r.listing.page({ caller: name('ann'), now: new Date(), limit: 50 }), { singleRead: true })).toMatchObject({ self: { name: 'ann' } });
          expect(await uow.run((r) => r.pods.get(name('ann')), { singleRead: true })).toMatchObject({ name: 'ann' });
          expect(sent).toEqual(['with', 'select']);
          await uow.run((r) => r.pods.get(name('ann')));
          expect(sent.slice(2)).toEqual(['begin', 'select', 'commit']);
        } finally {
          await close();
        }
      });

      it('is how ListPods and ListAllPods read: one statement each, whatever they list', async () => {
        await seedPods(s, 'ann', 'bob');
        const { sent, uow, close } = logged();
        try {
          const clock = { now: () => new Date() };
          expect(await new ListPods(uow, clock, new InMemoryProfileCatalog()).execute({ caller: name('ann') })).toMatchObject({ ok: true, value: { pods: [{ name: 'ann' }] } });
          expect((await new ListAllPods(uow, clock, new InMemoryProfileCatalog()).page({ limit: 1 })).pods.map((p) => p.name)).toEqual(['ann']);
          expect(sent).toEqual(['with', 'select']);
        } finally {
          await close();
        }
      });

      it('refuses a second statement, before sending it', async () => {
        const { sent, uow, close } = logged();
        try {
          await expect(
            uow.run(async (r) => {
              await r.pods.get(name('ann'));
              return r.pods.add(operatorPod('cat'));
            }, { singleRead: true }),
          ).rejects.toThrow(/^a single-read unit of work sent a second statement/);
          expect(sent).toEqual(['select']);
          expect(await inRun(s, (r) => r.pods.get(name('cat')))).toBeUndefined();
        } finally {
          await close();
        }
      });

      it('runs inside the transaction it is given', async () => {
        await expect(
          s().store.db.transaction().execute(async (trx) => {
            const inner = new KyselyUnitOfWork(trx);
            await inner.run((r) => r.pods.add(operatorPod('joined')));
            expect(await inner.run((r) => r.pods.get(name('joined')), { singleRead: true })).toBeDefined();
            throw new Boom();
          }),
        ).rejects.toThrow(Boom);
      });
    });
  });
}

// Two connections at least: the deadlock below needs two units in flight at once (a pool of one runs them in turn).
for (const server of TEST_SERVERS) kyselyUnitOfWorkTests(server.name, () => openPostgresTestStore({ server, max: 2 }));
