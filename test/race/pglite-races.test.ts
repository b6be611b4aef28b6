import { beforeEach, describe, it } from 'vitest';
import { openOncePerSuite, truncateAll } from '../support/test-stores.js';
import { openPgliteRace } from './race-actors.js';
import { concurrentDeliveries, concurrentIdenticalHandshakes } from './race-scenarios.js';

/** The two races that matter most, on the embedded store: its transactions queue on one connection. */
describe('races on PGlite', () => {
  const r = openOncePerSuite(openPgliteRace);
  beforeEach(async () => truncateAll(r().store.db));

  it('20 identical handshakes at once make one relation and two audit records', async () => {
    await concurrentIdenticalHandshakes(r(), 20);
  });

  it('8 concurrent senders to one Pod lose, duplicate and reorder nothing, with handshakes churning', async () => {
    await concurrentDeliveries(r(), { senders: 8, messages: 50 });
  }, 120_000);
});
