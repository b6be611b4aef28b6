import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The plain server's URL for the run's own role and database; empty without TEST_DATABASE_URL. */
    plainDatabaseUrl: string;
  }
}

/**
 * With TEST_DATABASE_URL (an administrator's URL: CI's is the `postgres` superuser), the run
 * gets a role of its own that is no superuser and may create nothing but in its own
 * database — exactly the grants docs/cli.md asks of a user's server — and the suites connect
 * as that role. Both are dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env['TEST_DATABASE_URL'];
  if (!adminUrl) {
    project.provide('plainDatabaseUrl', '');
    return async () => undefined;
  }
  const name = `pods_test_${randomBytes(6).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create role ${name} login password '${password}' nosuperuser nocreatedb nocreaterole noreplication nobypassrls`);
  await admin(`create database ${name} owner ${name}`);
  const url = new URL(adminUrl);
  url.username = name;
  url.password = password;
  url.pathname = `/${name}`;
  project.provide('plainDatabaseUrl', url.toString());
  return async () => {
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`drop role if exists ${name}`);
  };
}
