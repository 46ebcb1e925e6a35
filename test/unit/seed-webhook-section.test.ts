import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigFile, type LoadedConfigFile } from '../../src/config/config-file.js';
import { withSlashBeforeQuery } from '../../src/config/seed-webhook-section.js';
import { writeKeystores, type KeystoreFiles } from '../helpers/keystores.js';
import { createTestPki, type TestPki } from '../helpers/test-pki.js';

// The e-signing service's `webHook` section (shared/seeds/004) read as Herald's own declaration.

let dir: string;
let configPath: string;
let pki: TestPki;
let stores: KeystoreFiles;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-seed004-'));
  mkdirSync(join(dir, 'keys'));
  configPath = join(dir, 'automation.json');
  pki = createTestPki();
  stores = writeKeystores(join(dir, 'keys'), pki);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (webHook: Record<string, unknown>, extra: Record<string, unknown> = {}): LoadedConfigFile =>
  parseConfigFile(JSON.stringify({ ...extra, webHook }), configPath);
const endpointOf = (file: LoadedConfigFile) => file.apps[0]!.endpoints![0]!;
const subject = (pem: string) => new X509Certificate(pem).subject;

describe('the webHook section as a declaration', () => {
  it('the minimal example: one endpoint in app "default", every event, raw data, no signature, PT30S', () => {
    const file = load({ enabled: true, endpoint: 'http://www.example.org/automation' });
    expect(file.apps).toHaveLength(1);
    expect(file.apps[0]).toMatchObject({ uid: 'default', name: 'default', createOnly: true });
    expect(endpointOf(file)).toEqual({
      uid: 'webHook', name: 'webHook (configuration file)', enabled: true,
      url: 'http://www.example.org/automation', query: {}, payloadFormat: 'raw',
      signature: { scheme: 'none' }, timeout: 'PT30S', tls: null,
    });
    expect(file.warnings).toEqual([]);
  });

  it('is disabled unless enabled is true, as the document says', () => {
    expect(endpointOf(load({ endpoint: 'http://www.example.org/automation' })).enabled).toBe(false);
    expect(endpointOf(load({ enabled: false, endpoint: 'http://www.example.org/automation' })).enabled).toBe(false);
    // A disabled section without an endpoint declares nothing (an earlier one is then disabled).
    expect(load({ enabled: false }).apps[0]!.endpoints).toEqual([]);
    expect(() => load({ enabled: true })).toThrow(/webHook\.endpoint is required when webHook\.enabled is true/);
  });

  it('key: a "/" before the query, as the document shows (…/automation/?key=…)', () => {
    const ep = endpointOf(load({ enabled: true, key: 'QueryParameterKey', endpoint: 'http://www.example.org/automation' }));
    expect(ep.url).toBe('http://www.example.org/automation/');
    expect(ep.query).toEqual({ key: 'QueryParameterKey' });
    expect(withSlashBeforeQuery('http://h/automation/')).toBe('http://h/automation/');
    expect(withSlashBeforeQuery('http://h/a?x=1')).toBe('http://h/a/?x=1');
    expect(withSlashBeforeQuery('http://h/a#top')).toBe('http://h/a/#top');
  });

  it('connectionTimeout and secret', () => {
    expect(endpointOf(load({ enabled: true, connectionTimeout: 'PT60S', endpoint: 'http://x.example/a' })).timeout).toBe('PT60S');
    expect(() => load({ enabled: true, connectionTimeout: '60 seconds', endpoint: 'http://x.example/a' }))
      .toThrow(/webHook\.connectionTimeout "60 seconds" is not an ISO 8601 duration/);
    const signed = endpointOf(load({ enabled: true, secret: 'HeaderSecret', endpoint: 'http://x.example/a' }));
    expect(signed).toMatchObject({ signature: { scheme: 'hmac-sha256', header: 'X-Signature' }, secret: 'HeaderSecret' });
  });

  it('unknown keys in the section are refused by name; the rest of the product\'s file is ignored, and said so', () => {
    expect(() => load({ enabled: true, endpoint: 'http://x.example/a', sslKeyPasword: 'typo' }))
      .toThrow(/config file .*automation\.json: webHook has an unknown field "sslKeyPasword"/);
    expect(() => load({ enabled: 'yes', endpoint: 'http://x.example/a' })).toThrow(/webHook\.enabled must be boolean/);
    const file = load({ enabled: true, endpoint: 'http://x.example/a' }, { database: { url: 'jdbc:…' }, port: 8443 });
    expect(file.warnings).toEqual(['only the webHook section is read; ignored: database, port']);
  });
});

describe('TLS in the webHook section', () => {
  it('trusts every certificate by default (https only), with a warning', () => {
    const file = load({ enabled: true, endpoint: 'https://www.example.org/automation' });
    expect(endpointOf(file).tls).toEqual({ insecureSkipVerify: true });
    expect(file.warnings!.join('\n')).toMatch(/NOT verified .*useSslTrustAll defaults to true/);
  });

  it('useSslTrustAll: false verifies, against a PKCS#12 or PEM trust store relative to the config file', () => {
    expect(endpointOf(load({ enabled: true, useSslTrustAll: false, endpoint: 'https://x.example/a' })).tls).toBeNull();
    for (const [trust, password] of [['keys/trust.p12', stores.password], ['keys/trust-nopass.p12', undefined], ['keys/ca.pem', undefined]] as const) {
      const file = load({ enabled: true, useSslTrustAll: false, sslTrustFile: trust, ...(password ? { sslKeyPassword: password } : {}), endpoint: 'https://x.example/a' });
      const tls = endpointOf(file).tls!;
      expect(tls.insecureSkipVerify).toBeUndefined();
      expect(subject(tls.ca!)).toBe(subject(pki.caCert));
      expect(file.warnings).toEqual([]);
    }
  });

  it('useSslClientCert: true presents the key store: PKCS#12 (current and legacy encryption) or PEM', () => {
    for (const keyFile of ['keys/client.p12', 'keys/client-legacy.p12', 'keys/client.pem']) {
      const tls = endpointOf(load({
        enabled: true, useSslTrustAll: false, useSslClientCert: true, sslTrustFile: 'keys/trust.p12',
        sslKeyFile: keyFile, sslKeyPassword: stores.password, endpoint: 'https://x.example/a',
      })).tls!;
      expect(subject(tls.cert!)).toBe(subject(pki.clientCert));
      // The key comes out decrypted (Herald seals it at rest) and is the client certificate's.
      expect(new X509Certificate(tls.cert!).checkPrivateKey(createPrivateKey(tls.key!))).toBe(true);
      expect(tls.passphrase).toBeUndefined();
    }
  });

  it('the "Adding keys" example: the key store is checked but not presented without useSslClientCert', () => {
    const file = load({
      enabled: true, useSslTrustAll: false, useSslClientCert: false, sslKeyFile: 'keys/client.p12',
      sslKeyPassword: stores.password, endpoint: 'https://www.example.org/automation',
    });
    expect(endpointOf(file).tls).toBeNull();
    expect(file.warnings!.join('\n')).toMatch(/sslKeyFile is read but not presented .*useSslClientCert/);
    expect(() => load({ enabled: true, useSslClientCert: true, endpoint: 'https://x.example/a' }))
      .toThrow(/useSslClientCert is true but webHook\.sslKeyFile is not set/);
  });

  it('refuses a Java KeyStore with the keytool command that converts it', () => {
    for (const key of ['sslKeyFile', 'sslTrustFile']) {
      expect(() => load({ enabled: true, useSslTrustAll: false, useSslClientCert: true, sslKeyFile: 'keys/client.p12', sslKeyPassword: stores.password, [key]: 'keys/keystore.jks', endpoint: 'https://x.example/a' }))
        .toThrow(new RegExp(`webHook\\.${key} \\(.*keystore\\.jks\\) is a Java KeyStore \\(JKS\\).*keytool -importkeystore -srckeystore in\\.jks -destkeystore out\\.p12 -deststoretype pkcs12`));
    }
  });

  it('says which file and what is wrong: wrong password, missing file, a file that is no key store', () => {
    const base = { enabled: true, useSslTrustAll: false, useSslClientCert: true, endpoint: 'https://x.example/a' };
    expect(() => load({ ...base, sslKeyFile: 'keys/client.p12', sslKeyPassword: 'wrong' })).toThrow(/webHook\.sslKeyFile \(.*client\.p12\): the password does not open it/);
    expect(() => load({ ...base, sslKeyFile: 'keys/client.p12' })).toThrow(/client\.p12\) is protected by a password: give its password/);
    expect(() => load({ ...base, sslKeyFile: 'keys/client.pem', sslKeyPassword: 'wrong' })).toThrow(/client\.pem\): the password does not decrypt the private key/);
    expect(() => load({ ...base, sslKeyFile: 'keys/missing.p12' })).toThrow(/missing\.p12\) cannot be read: ENOENT/);
    writeFileSync(join(dir, 'keys', 'notes.txt'), 'not a key store');
    expect(() => load({ ...base, sslKeyFile: 'keys/notes.txt' })).toThrow(/notes\.txt\) is not a PKCS#12 file \(\.p12\/\.pfx\)/);
    expect(() => load({ ...base, sslKeyFile: 'keys/ca.pem' })).toThrow(/ca\.pem\) holds 0 private keys/);
  });
});
