import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoKey, JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import { localStateDirectory } from '../certificates.js';

/** The issuer's RS256 key pair, ready to sign and to publish. */
export interface SigningKey {
  /** Key id, carried in every token header and in the JWKS. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public half as published in the JWKS. */
  readonly publicJwk: JWK;
}

/** Where the key pair is kept, so that `npm run token` and a running emulator agree. */
export const signingKeyPath = join(localStateDirectory, 'entra-signing-key.json');

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** Loads the persisted signing key, generating and saving it (mode 0600) on first use. */
export async function loadSigningKey(path = signingKeyPath): Promise<SigningKey> {
  const stored = (await tryReadStoredKey(path)) ?? (await createStoredKey(path));
  const privateKey = await importJWK(stored.privateJwk, 'RS256');
  const publicKey = await importJWK(stored.publicJwk, 'RS256');
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
    throw new Error(`The signing key in ${path} is not an RSA key pair`);
  }
  return { kid: stored.kid, privateKey, publicKey, publicJwk: stored.publicJwk };
}

async function tryReadStoredKey(path: string): Promise<StoredKey | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoredKey;
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw caught;
  }
}

async function createStoredKey(path: string): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const stored: StoredKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
  };

  await mkdir(localStateDirectory, { recursive: true, mode: 0o700 });
  try {
    // `wx` fails if another process created the file meanwhile; that one wins.
    await writeFile(path, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
    return stored;
  } catch (caught) {
    if ((caught as NodeJS.ErrnoException).code === 'EEXIST') {
      return (await tryReadStoredKey(path)) as StoredKey;
    }
    throw caught;
  }
}
