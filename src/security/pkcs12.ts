import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

// PKCS#12 (.p12/.pfx) key and trust stores, turned into the PEM text Herald's TLS settings hold.
// Node's tls could take a client identity as `pfx` itself, but not a trust store (a PKCS#12 file of
// certificates only), and its OpenSSL 3 refuses the RC2/3DES files older Java and OpenSSL versions
// still write unless the legacy provider is loaded. node-forge reads both old and current (AES,
// PBKDF2-SHA256) files; the result is plain PEM, sealed at rest like any key.

/** A key store that cannot be used; the message says what is wrong in words, not ASN.1. */
export class KeystoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeystoreError';
  }
}

/** How to turn a Java KeyStore into a file Herald reads (keytool ships with every JDK). */
export const JKS_CONVERSION =
  'keytool -importkeystore -srckeystore in.jks -destkeystore out.p12 -deststoretype pkcs12';

/** JKS starts with 0xFEEDFEED, JCEKS with 0xCECECECE: formats only Java reads. */
export function isJavaKeyStore(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const magic = Buffer.from(bytes.subarray(0, 4)).readUInt32BE(0);
  return magic === 0xfeedfeed || magic === 0xcececece;
}

export function javaKeyStoreMessage(what: string): string {
  return `${what} is a Java KeyStore (JKS), which Herald cannot read: convert it to PKCS#12 with \`${JKS_CONVERSION}\``;
}

export interface Pkcs12Contents {
  /** PEM certificates in file order. */
  certificates: string[];
  /** The private key as PKCS#8 PEM (unencrypted: the caller seals it), or null for a trust store. */
  key: string | null;
}

/**
 * Opens a PKCS#12 file. Passwords are tried in order (a trust store often has none while the key
 * store beside it has one); the first that verifies the file's integrity wins.
 */
export function readPkcs12(bytes: Uint8Array, passwords: string[], what: string): Pkcs12Contents {
  if (isJavaKeyStore(bytes)) throw new KeystoreError(javaKeyStoreMessage(what));
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
  } catch {
    throw new KeystoreError(`${what} is not a PKCS#12 file (.p12/.pfx)`);
  }
  let lastError: Error | undefined;
  for (const password of passwords.length ? passwords : ['']) {
    let p12: forge.pkcs12.Pkcs12Pfx;
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
    } catch (err) {
      lastError = err as Error;
      continue;
    }
    return contentsOf(p12, what);
  }
  const message = lastError?.message ?? '';
  if (/password|MAC|decrypt/i.test(message)) {
    throw new KeystoreError(passwords.some((p) => p !== '')
      ? `${what}: the password does not open it`
      : `${what} is protected by a password: give its password`);
  }
  throw new KeystoreError(`${what} cannot be read as PKCS#12: ${message || 'unknown structure'}`);
}

function contentsOf(p12: forge.pkcs12.Pkcs12Pfx, what: string): Pkcs12Contents {
  const certificates: string[] = [];
  const keys: string[] = [];
  for (const bag of p12.safeContents.flatMap((contents) => contents.safeBags)) {
    // forge decodes RSA only; other key and certificate types (EC, Ed25519) come back as raw ASN.1,
    // which Node's crypto reads.
    const raw = (bag as { asn1?: forge.asn1.Asn1 }).asn1;
    if (bag.type === forge.pki.oids.certBag) {
      const der = bag.cert ? forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)) : raw ? forge.asn1.toDer(raw) : null;
      if (der) certificates.push(new X509Certificate(Buffer.from(der.getBytes(), 'binary')).toString());
    } else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
      const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : raw;
      if (!info) continue;
      const der = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
      keys.push(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString());
    }
  }
  if (keys.length > 1) throw new KeystoreError(`${what} holds ${keys.length} private keys: export the one Herald should present into a file of its own`);
  return { certificates, key: keys[0] ?? null };
}

/** A client identity: the certificate that goes with the key first, then the rest of its chain. */
export function clientIdentityFromPkcs12(bytes: Uint8Array, passwords: string[], what: string): { cert: string; key: string } {
  const { certificates, key } = readPkcs12(bytes, passwords, what);
  if (!key) throw new KeystoreError(`${what} holds no private key: a client certificate needs its key in the same file`);
  const privateKey = createPrivateKey(key);
  const leaf = certificates.findIndex((pem) => new X509Certificate(pem).checkPrivateKey(privateKey));
  if (leaf === -1) throw new KeystoreError(`${what} holds a private key but no certificate for it`);
  const chain = [certificates[leaf]!, ...certificates.filter((_, i) => i !== leaf)];
  return { cert: chain.join(''), key };
}

/** A trust store: every certificate in it, as PEM text. */
export function trustedCertificatesFromPkcs12(bytes: Uint8Array, passwords: string[], what: string): string {
  const { certificates } = readPkcs12(bytes, passwords, what);
  if (certificates.length === 0) throw new KeystoreError(`${what} holds no certificates`);
  return certificates.join('');
}
