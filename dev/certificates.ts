import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';

/** A private certificate authority and a loopback server certificate signed by it. */
export interface DevCertificates {
  /** Path of the CA certificate, for NODE_EXTRA_CA_CERTS. */
  readonly caPath: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Where the embedded default keeps generated state (git-ignored). */
export const localStateDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.local');

const tlsDirectory = join(localStateDirectory, 'tls');
const files = {
  ca: join(tlsDirectory, 'ca.pem'),
  cert: join(tlsDirectory, 'localhost.pem'),
  key: join(tlsDirectory, 'localhost-key.pem'),
};

/**
 * Returns the loopback TLS material of the embedded default, generating it on first use. The CA
 * is made on this machine and never leaves it; it signs only `localhost` and `127.0.0.1`.
 */
export async function ensureDevCertificates(): Promise<DevCertificates> {
  if (!existsSync(files.ca) || !existsSync(files.cert) || !existsSync(files.key)) {
    await generateCertificates();
  }
  const [caPem, certPem, keyPem] = await Promise.all([
    readFile(files.ca, 'utf8'),
    readFile(files.cert, 'utf8'),
    readFile(files.key, 'utf8'),
  ]);
  return { caPath: files.ca, caPem, certPem, keyPem };
}

async function generateCertificates(): Promise<void> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const authority = await generate([{ name: 'commonName', value: 'Bastion JIT local CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: authority.private, cert: authority.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });

  await mkdir(tlsDirectory, { recursive: true, mode: 0o700 });
  await writeFile(files.ca, authority.cert);
  await writeFile(files.cert, server.cert);
  await writeFile(files.key, server.private, { mode: 0o600 });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { caPath } = await ensureDevCertificates();
  console.log(`Loopback TLS ready; CA at ${caPath}`);
}
