import { describe, expect, it } from 'vitest';
import { describeModelConfigError, modelConfigFromEnv } from '../../src/adapters/model/model-config.js';

describe('modelConfigFromEnv', () => {
  it('means the built-in model when no URL is set, or it is blank', () => {
    expect(modelConfigFromEnv({})).toEqual({ ok: true, value: undefined });
    expect(modelConfigFromEnv({ PODS_MODEL_URL: '  ', PODS_MODEL: 'm' })).toEqual({ ok: true, value: undefined });
  });

  it('reads a complete configuration', () => {
    const env = { PODS_MODEL_URL: 'http://127.0.0.1:11434/v1', PODS_MODEL: 'llama3.1', PODS_API_KEY: 'sk-1', PODS_MODEL_TIMEOUT_MS: '5000' };
    expect(modelConfigFromEnv(env)).toEqual({
      ok: true,
      value: { url: 'http://127.0.0.1:11434/v1', model: 'llama3.1', apiKey: 'sk-1', timeoutMs: 5000 },
    });
    expect(modelConfigFromEnv({ PODS_MODEL_URL: 'http://h/v1', PODS_MODEL: 'm' })).toEqual({ ok: true, value: { url: 'http://h/v1', model: 'm' } });
  });

  it('refuses a URL without a model rather than falling back to the built-in model', () => {
    const result = modelConfigFromEnv({ PODS_MODEL_URL: 'http://h/v1' });
    expect(result).toEqual({ ok: false, error: { type: 'ModelNameMissing', url: 'http://h/v1' } });
    expect(!result.ok && describeModelConfigError(result.error)).toBe(
      'PODS_MODEL_URL is set (http://h/v1) but PODS_MODEL is not: name the model to use, e.g. PODS_MODEL=llama3.1',
    );
  });

  it.each([
    ['localhost:11434/v1', 'the scheme must be http or https, not localhost:'],
    ['not a url', 'not an absolute URL (expected e.g. http://127.0.0.1:11434/v1)'],
    ['ftp://h/v1', 'the scheme must be http or https, not ftp:'],
    ['https://user:secret@h/v1', 'it contains credentials; put the key in PODS_API_KEY instead'],
  ])('refuses the URL %s', (url, reason) => {
    const result = modelConfigFromEnv({ PODS_MODEL_URL: url, PODS_MODEL: 'm' });
    expect(result).toEqual({ ok: false, error: { type: 'InvalidModelUrl', url, reason } });
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses the timeout %s', (value) => {
    const result = modelConfigFromEnv({ PODS_MODEL_URL: 'http://h/v1', PODS_MODEL: 'm', PODS_MODEL_TIMEOUT_MS: value });
    expect(result).toEqual({ ok: false, error: { type: 'InvalidModelTimeout', value } });
    expect(!result.ok && describeModelConfigError(result.error)).toContain('not a positive whole number of milliseconds');
  });
});
