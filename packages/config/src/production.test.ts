import { describe, expect, it } from '@jest/globals';
import { parseConfig, verifierSettings } from './index.ts';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

/** Everything production needs, so each test can take one thing away. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://vtc.linfen.gov.cn',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  ID_ENCRYPTION_KEY: key(1),
  ID_HASH_KEY: key(2),
  CERT_SIGNING_KEY: key(3),
  CERT_KEY_ID: 'linfen-2026-01',
};

describe('production configuration', () => {
  it('accepts a complete production environment', () => {
    const config = parseConfig(PRODUCTION);
    expect(config.isProduction).toBe(true);
    expect(config.PUBLIC_URL).toBe('https://vtc.linfen.gov.cn');
  });

  it('refuses to start without PUBLIC_URL, naming the variable', () => {
    const { PUBLIC_URL: _, ...withoutUrl } = PRODUCTION;
    expect(() => parseConfig(withoutUrl)).toThrow(/PUBLIC_URL: PUBLIC_URL must be set in production/);
  });

  it('still lets development and tests run without PUBLIC_URL', () => {
    expect(parseConfig({}).PUBLIC_URL).toBeUndefined();
    expect(parseConfig({ NODE_ENV: 'test' }).isProduction).toBe(false);
  });

  it('refuses a PUBLIC_URL that is not a URL', () => {
    expect(() => parseConfig({ ...PRODUCTION, PUBLIC_URL: 'vtc.linfen.gov.cn' })).toThrow(/PUBLIC_URL/);
  });

  it('reads the worker health port', () => {
    expect(parseConfig({}).WORKER_HEALTH_PORT).toBeUndefined();
    expect(parseConfig({ WORKER_HEALTH_PORT: '4001' }).WORKER_HEALTH_PORT).toBe(4001);
    expect(() => parseConfig({ WORKER_HEALTH_PORT: '70000' })).toThrow(/WORKER_HEALTH_PORT/);
  });
});

describe('verifierSettings (offline verifier, no secrets needed)', () => {
  it('takes VERIFY_BASE_URL, else PUBLIC_URL', () => {
    expect(verifierSettings({ PUBLIC_URL: 'https://a.example' }).baseUrl).toBe('https://a.example');
    expect(verifierSettings({ PUBLIC_URL: 'https://a.example', VERIFY_BASE_URL: 'https://b.example' }).baseUrl).toBe('https://b.example');
    expect(verifierSettings({ VERIFY_KEYS_FILE: '/etc/vtc/keys.json' })).toEqual({ baseUrl: undefined, keysFile: '/etc/vtc/keys.json' });
  });

  it('works in production without the server secrets', () => {
    expect(verifierSettings({ NODE_ENV: 'production', VERIFY_BASE_URL: 'https://vtc.linfen.gov.cn' }).baseUrl).toBe(
      'https://vtc.linfen.gov.cn',
    );
  });

  it('refuses a base URL that is not a URL', () => {
    expect(() => verifierSettings({ VERIFY_BASE_URL: 'not a url' })).toThrow(/VERIFY_BASE_URL/);
  });
});
