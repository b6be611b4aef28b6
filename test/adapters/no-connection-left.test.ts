import { describe, expect, it } from 'vitest';
import { applicationName, podsProcessOf, withApplicationName } from '../../src/adapters/persistence/postgres/connection/application-name.js';
import { describeNoConnectionLeft } from '../../src/adapters/persistence/postgres/connection/no-connection-left.js';

const REMEDY = 'stop some of them, or serve more Pods per host (`pods serve --pod A --pod B …`: a host holds 2 connections whatever its number of Pods)';

describe('the line for a server with no connection left', () => {
  it('names, on the managed server, how many connections pods processes hold and which', () => {
    const line = describeNoConnectionLeft({
      type: 'ManagedStoreFull',
      home: '/h',
      count: {
        limit: 500,
        reserved: 3,
        pods: [
          { command: 'serve', processes: 240, connections: 480 },
          { command: 'tui', processes: 3, connections: 6 },
          { command: 'watch', processes: 2, connections: 4 },
          { command: 'ls', processes: 1, connections: 1 },
        ],
        others: 6,
      },
    });
    expect(line).toBe(
      'the store server under /h has no connection left for pods (max_connections 500, 3 of them kept for its superuser): ' +
        'pods processes hold 491 (243 hosts: 240 `pods serve`, 3 `pods tui`; 3 other pods processes: 2 `pods watch`, 1 `pods ls`), other clients 6; ' +
        REMEDY,
    );
  });

  it('says so when only other clients hold them, and when pods may not count them', () => {
    expect(describeNoConnectionLeft({ type: 'ManagedStoreFull', home: '/h', count: { limit: 20, reserved: 3, pods: [], others: 17 } })).toBe(
      `the store server under /h has no connection left for pods (max_connections 20, 3 of them kept for its superuser): pods processes hold 0, other clients 17; ${REMEDY}`,
    );
    expect(describeNoConnectionLeft({ type: 'ManagedStoreFullUncounted', home: '/h', serverMessage: 'sorry, too many clients already' })).toBe(
      `the store server under /h has no connection left (sorry, too many clients already), and this process may not use the superuser's slots to count who holds them; ${REMEDY}`,
    );
  });

  it('names what to raise on a server given by URL, without its password', () => {
    expect(describeNoConnectionLeft({ type: 'ServerFull', url: 'postgres://u:pw@db:5432/pods', serverMessage: 'sorry, too many clients already' })).toBe(
      'the PostgreSQL server at postgres://u:***@db:5432/pods has no connection left for pods (sorry, too many clients already); ' +
        'each pods host holds 2 and every other pods process 1: stop some, or raise the server\'s max_connections (docs/cli.md, "Your own server")',
    );
  });
});

describe('application_name', () => {
  it('names a pods process by command and pid, and reads that back', () => {
    expect(applicationName('serve', 42)).toBe('pods serve (pid 42)');
    expect(podsProcessOf('pods serve (pid 42)')).toEqual({ command: 'serve', pid: 42 });
    expect(podsProcessOf('psql')).toBeUndefined();
  });

  it('goes into the URL unless the URL names one itself', () => {
    expect(withApplicationName('postgresql://pods@localhost/pods?host=%2Frun', 'pods ls (pid 7)')).toBe('postgresql://pods@localhost/pods?host=%2Frun&application_name=pods+ls+%28pid+7%29');
    expect(withApplicationName('postgres://u@db/pods?application_name=mine', 'pods ls (pid 7)')).toBe('postgres://u@db/pods?application_name=mine');
    expect(withApplicationName('postgres://u@db/pods', undefined)).toBe('postgres://u@db/pods');
  });
});
