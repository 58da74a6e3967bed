import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../src/config.ts';

const dir = () => {
  const folder = mkdtempSync(join(tmpdir(), 'hawiya-config-'));
  writeFileSync(join(folder, 'default.json'), JSON.stringify({ port: 3000 }));
  return folder;
};

describe('configuration', () => {
  it('reads defaults, the environment overlay and then the environment', () => {
    const folder = dir();
    writeFileSync(join(folder, 'production.json'), JSON.stringify({ port: 4000, ttl: { accessToken: 300 } }));
    const config = loadConfig({ ISSUER: 'https://id.example', PORT: '5000', DATABASE_URL: 'postgres://db/hawiya' }, { dir: folder });
    assert.equal(config.port, 5000);
    assert.equal(config.ttl.accessToken, 300);
    assert.equal(config.ttl.refreshToken, 14 * 24 * 3600);
    assert.equal(config.databaseUrl, 'postgres://db/hawiya');
    // RFC 9106's second recommended option, unless a file lowers it (test.json does).
    assert.deepEqual(config.argon2, { memoryCost: 65536, timeCost: 3, parallelism: 4 });
  });

  it('stops on an invalid setting and names the key', () => {
    const folder = dir();
    writeFileSync(join(folder, 'production.json'), JSON.stringify({ ttl: { accessToken: -5 } }));
    assert.throws(() => loadConfig({ ISSUER: 'https://id.example' }, { dir: folder }), (err: Error) => err instanceof ConfigError && /ttl\.accessToken/.test(err.message));
    assert.throws(() => loadConfig({ ISSUER: 'https://id.example', PORT: 'eighty' }, { dir: folder }), /PORT: expected a whole number/);
    assert.throws(() => loadConfig({ ISSUER: 'https://id.example', LOG_LEVEL: 'loud' }, { dir: folder }), /logLevel/);
  });

  it('refuses argon2 parameters below the OWASP floor', () => {
    assert.throws(() => loadConfig({ ISSUER: 'https://id.example' }, { dir: dir(), overrides: { argon2: { memoryCost: 4096 } } }), /argon2\.memoryCost/);
  });

  it('requires an https issuer unless NODE_ENV=development', () => {
    assert.throws(() => loadConfig({ ISSUER: 'http://id.example' }, { dir: dir() }), /issuer: must be an https URL/);
    assert.throws(() => loadConfig({}, { dir: dir() }), /issuer/);
    const development = loadConfig({ NODE_ENV: 'development' }, { dir: dir() });
    assert.equal(development.issuer, 'http://localhost:3000');
  });

  it('reports a broken JSON file by name', () => {
    const folder = dir();
    writeFileSync(join(folder, 'production.json'), '{ "port": ');
    assert.throws(() => loadConfig({ ISSUER: 'https://id.example' }, { dir: folder }), /production\.json/);
  });

  it('takes trust in a proxy from the environment', () => {
    assert.equal(loadConfig({ ISSUER: 'https://id.example', TRUST_PROXY: 'true' }, { dir: dir() }).trustProxy, true);
  });

  it('takes the e-mail and SMS gateways from the environment, and keeps the development mailbox off by default', () => {
    const env = { ISSUER: 'https://id.example', SMTP_URL: 'smtps://relay.example:465', SMTP_FROM: 'Hawiya <no-reply@id.example>', SMS_GATEWAY_URL: 'https://sms.example/send', SMS_GATEWAY_TOKEN_FILE: '/run/secrets/sms' };
    const { notify } = loadConfig(env, { dir: dir() });
    assert.equal(notify.devMailbox, false);
    assert.deepEqual(notify.email, { smtpUrl: 'smtps://relay.example:465', from: 'Hawiya <no-reply@id.example>', timeoutMs: 10000 });
    assert.deepEqual(notify.sms, { url: 'https://sms.example/send', tokenFile: '/run/secrets/sms', timeoutMs: 10000 });
    assert.throws(() => loadConfig({ ...env, SMS_GATEWAY_TOKEN_FILE: '' }, { dir: dir() }), /notify\.sms\.token/);
    assert.throws(() => loadConfig({ ...env, SMTP_URL: 'http://relay.example' }, { dir: dir() }), /notify\.email\.smtpUrl/);
  });
});
