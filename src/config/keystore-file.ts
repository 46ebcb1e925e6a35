import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  clientIdentityFromPkcs12, isJavaKeyStore, javaKeyStoreMessage, KeystoreError, trustedCertificatesFromPkcs12,
} from '../security/pkcs12.js';

// Key and trust store FILES named by a configuration file (the e-signing service's `sslKeyFile` and
// `sslTrustFile`): PKCS#12 (.p12/.pfx) or PEM, told apart by their bytes rather than their names,
// since Java setups name them anything ("keyfile", "truststore.jks", "client.pfx").

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/g;
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/g;

function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KeystoreError(`${what} cannot be read: ${(err as Error).message}`);
  }
}

function isPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).toString('latin1').includes('-----BEGIN ');
}

function pemCertificates(text: string, what: string): string[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new KeystoreError(`${what}: certificate ${i + 1} cannot be read: ${(err as Error).message}`);
    }
  }
  return blocks.map((block) => (block.endsWith('\n') ? block : `${block}\n`));
}

/** Trusted certificates (PEM text) from a trust store file; a PKCS#12 one is opened with `passwords` in turn. */
export function readTrustFile(path: string, passwords: string[], what: string): string {
  const bytes = readBytes(path, what);
  if (isJavaKeyStore(bytes)) throw new KeystoreError(javaKeyStoreMessage(what));
  if (!isPem(bytes)) return trustedCertificatesFromPkcs12(bytes, passwords, what);
  const certificates = pemCertificates(bytes.toString('utf8'), what);
  if (certificates.length === 0) throw new KeystoreError(`${what} holds no certificate (-----BEGIN CERTIFICATE-----)`);
  return certificates.join('');
}

/**
 * A client identity from a key store file: PKCS#12, or PEM holding the certificate (chain) and its
 * private key, optionally encrypted with `password`. The key comes back decrypted as PKCS#8 PEM;
 * Herald seals it at rest with its encryption key, as it does every key.
 */
export function readKeyFile(path: string, password: string | undefined, what: string): { cert: string; key: string } {
  const bytes = readBytes(path, what);
  if (isJavaKeyStore(bytes)) throw new KeystoreError(javaKeyStoreMessage(what));
  if (!isPem(bytes)) return clientIdentityFromPkcs12(bytes, password === undefined ? [''] : [password, ''], what);
  const text = bytes.toString('utf8');
  const certificates = pemCertificates(text, what);
  const keys = text.match(PEM_PRIVATE_KEY) ?? [];
  if (certificates.length === 0) throw new KeystoreError(`${what} holds no certificate: a PEM key file holds the client certificate and its private key`);
  if (keys.length !== 1) {
    throw new KeystoreError(`${what} holds ${keys.length} private keys: a PEM key file holds the client certificate and exactly one private key`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: keys[0]!, passphrase: password });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (/BAD_DECRYPT|PASSPHRASE|INTERRUPTED_OR_CANCELLED/.test(code) || /passphrase/i.test((err as Error).message)) {
      throw new KeystoreError(password === undefined ? `${what}: the private key is encrypted: give its password` : `${what}: the password does not decrypt the private key`);
    }
    throw new KeystoreError(`${what}: the private key cannot be read: ${(err as Error).message}`);
  }
  const leaf = certificates.findIndex((pem) => new X509Certificate(pem).checkPrivateKey(key));
  if (leaf === -1) throw new KeystoreError(`${what}: no certificate in it goes with its private key`);
  const chain = [certificates[leaf]!, ...certificates.filter((_, i) => i !== leaf)];
  return { cert: chain.join(''), key: key.export({ format: 'pem', type: 'pkcs8' }).toString() };
}
