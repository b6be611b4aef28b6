import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as inboundCursor from './0002-inbound-cursor.js';
import * as leaseDriver from './0003-lease-driver.js';
import * as agentPods from './0004-agent-pods.js';
import * as removedPods from './0005-removed-pods.js';
import * as leaseRenewedAt from './0006-lease-renewed-at.js';
import * as noPausedStatus from './0007-no-paused-status.js';
import * as boundedListing from './0008-bounded-listing.js';

/** Every schema version in order. Append only: the Migrator applies what a store lacks, by name. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-inbound-cursor': inboundCursor,
  '0003-lease-driver': leaseDriver,
  '0004-agent-pods': agentPods,
  '0005-removed-pods': removedPods,
  '0006-lease-renewed-at': leaseRenewedAt,
  '0007-no-paused-status': noPausedStatus,
  '0008-bounded-listing': boundedListing,
};
