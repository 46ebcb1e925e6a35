import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestPki } from './test-pki.js';

export interface KeystoreFiles {
  /** The CA as a PKCS#12 trust store (certificates only), protected by `password`. */
  trustP12: string;
  /** The CA as a PKCS#12 trust store without a password. */
  trustP12NoPassword: string;
  trustPem: string;
  /** The client certificate and its key (and the CA, as chain) as PKCS#12, protected by `password`. */
  clientP12: string;
  /** The same in OpenSSL's legacy encryption (RC2/3DES), as older Java and OpenSSL versions write. */
  clientP12Legacy: string;
  /** The client certificate and its key encrypted with `password`, PEM. */
  clientPem: string;
  /** A file that begins like a Java KeyStore (magic 0xFEEDFEED). */
  jks: string;
  password: string;
  /** A self-signed server certificate (no CA, no name of this host) and its key, PEM text. */
  selfSignedCert: string;
  selfSignedKey: string;
}

/** Writes key and trust store files in the formats a Java setup hands over, made with the openssl CLI. */
export function writeKeystores(dir: string, pki: TestPki): KeystoreFiles {
  const path = (name: string) => join(dir, name);
  const password = 'store-password';
  writeFileSync(path('ca.crt'), pki.caCert);
  writeFileSync(path('client.crt'), pki.clientCert);
  writeFileSync(path('client.key'), pki.clientKey);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('pkcs12', '-export', '-nokeys', '-in', 'ca.crt', '-out', 'trust.p12', '-passout', `pass:${password}`);
  openssl('pkcs12', '-export', '-nokeys', '-in', 'ca.crt', '-out', 'trust-nopass.p12', '-passout', 'pass:');
  openssl('pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-certfile', 'ca.crt', '-out', 'client.p12', '-passout', `pass:${password}`);
  openssl('pkcs12', '-export', '-legacy', '-in', 'client.crt', '-inkey', 'client.key', '-out', 'client-legacy.p12', '-passout', `pass:${password}`);
  openssl('pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${password}`, '-out', 'client-encrypted.key');
  writeFileSync(path('client.pem'), pki.clientCert + readFileSync(path('client-encrypted.key'), 'utf8'));
  writeFileSync(path('ca.pem'), pki.caCert);
  openssl('req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'self-signed.key', '-out', 'self-signed.crt', '-days', '2', '-subj', '/CN=self-signed.example');
  writeFileSync(path('keystore.jks'), Buffer.concat([Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), Buffer.alloc(64, 7)]));
  return {
    trustP12: path('trust.p12'),
    trustP12NoPassword: path('trust-nopass.p12'),
    trustPem: path('ca.pem'),
    clientP12: path('client.p12'),
    clientP12Legacy: path('client-legacy.p12'),
    clientPem: path('client.pem'),
    jks: path('keystore.jks'),
    password,
    selfSignedCert: readFileSync(path('self-signed.crt'), 'utf8'),
    selfSignedKey: readFileSync(path('self-signed.key'), 'utf8'),
  };
}
