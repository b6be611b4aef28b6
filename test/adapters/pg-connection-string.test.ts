import { describe, expect, it } from 'vitest';
import { pgConnectionString } from '../../src/adapters/persistence/postgres/connection/pg-connection-string.js';

describe('pgConnectionString: what pg is given, so that it warns about nothing', () => {
  it.each(['prefer', 'require', 'verify-ca'])('asks for verify-full outright where pg reads sslmode=%s as verify-full', (mode) => {
    expect(pgConnectionString(`postgres://u:p@db.example:5432/pods?sslmode=${mode}&application_name=x`)).toBe('postgres://u:p@db.example:5432/pods?sslmode=verify-full&application_name=x');
  });

  it.each([
    'postgres://u:p@db.example/pods',
    'postgres://u:p@db.example/pods?sslmode=disable',
    'postgres://u:p@db.example/pods?sslmode=verify-full',
    'postgres://u:p@db.example/pods?sslmode=require&uselibpqcompat=true',
    'not a url',
  ])('leaves %s as it is', (url) => {
    expect(pgConnectionString(url)).toBe(url);
  });
});
