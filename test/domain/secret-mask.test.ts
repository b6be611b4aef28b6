import { describe, expect, it } from 'vitest';
import { redactSecrets, redactSecretsIn } from '../../src/domain/secret-mask.js';

describe('redacting secrets', () => {
  it('masks the longer of two overlapping secrets whole, whatever order they come in', () => {
    expect(redactSecrets('id=xxSECRyy', ['SECR', 'xxSECRyy'])).toBe('id=••••');
    expect(redactSecrets('id=xxSECRyy', ['xxSECRyy', 'SECR'])).toBe('id=••••');
  });

  it('leaves secrets under 4 characters alone: masking them garbles and protects nothing', () => {
    expect(redactSecrets('a b abc', ['a', 'abc', ''])).toBe('a b abc');
  });

  it('masks every string of a JSON value, keys too, and nothing else', () => {
    const value = { name: 'pal', message: 'k=TOPSECRET', scope: [{ target: '/w/TOPSECRET', recursive: true }], n: 3, none: null, TOPSECRET: 1 };
    expect(redactSecretsIn(value, ['TOPSECRET'])).toEqual({ name: 'pal', message: 'k=••••', scope: [{ target: '/w/••••', recursive: true }], n: 3, none: null, '••••': 1 });
  });

  it('finds a secret as it is, not as JSON would escape it', () => {
    const secret = 'pa"ss\\wo\nrd';
    expect(redactSecretsIn({ message: `x ${secret} y` }, [secret])).toEqual({ message: 'x •••• y' });
  });
});
