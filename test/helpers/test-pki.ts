import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  caCert: string;
  /** Signed by the CA, for 127.0.0.1 and localhost. */
  serverCert: string;
  serverKey: string;
  /** Signed by the same CA, for client authentication (mutual TLS). */
  clientCert: string;
  clientKey: string;
  /** The client key again, encrypted with `passphrase`. */
  clientKeyEncrypted: string;
  passphrase: string;
}

/** A throwaway CA with server and client certificates, made with the openssl CLI (EC keys: fast). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'herald-pki-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', '-new', ...newKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2',
      '-subj', '/CN=Herald Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const issue = (name: string, cn: string, extensions: string) => {
      writeFileSync(file(`${name}.ext`), extensions);
      openssl('req', '-new', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
        '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
    };
    issue('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
    issue('client', 'herald-client', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
    const passphrase = 'correct horse battery';
    openssl('pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${passphrase}`, '-out', 'client-encrypted.key');
    const read = (name: string) => readFileSync(file(name), 'utf8');
    return {
      caCert: read('ca.crt'),
      serverCert: read('server.crt'),
      serverKey: read('server.key'),
      clientCert: read('client.crt'),
      clientKey: read('client.key'),
      clientKeyEncrypted: read('client-encrypted.key'),
      passphrase,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
