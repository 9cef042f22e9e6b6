// Ed25519 through node:crypto: key pairs from seeds, signing, and verification with cached public keys.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Ed25519KeyPair {
  publicKey: Uint8Array;
  /** The 32-byte seed (RFC 8032 private key). */
  secretKey: Uint8Array;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== 32) throw new TypeError('An Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)), secretKey: new Uint8Array(seed) };
}

/** A sign function over one seed, importing the key once. */
export function ed25519Signer(secretKey: Uint8Array): (data: Uint8Array) => Uint8Array {
  if (secretKey.length !== 32) throw new TypeError('An Ed25519 seed is 32 bytes');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
  return (data) => new Uint8Array(sign(null, data, key));
}


const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 4096;

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const cacheKey = Buffer.from(publicKey).toString('base64');
  let key = publicKeys.get(cacheKey);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
    publicKeys.set(cacheKey, key);
  }
  return key;
}

export function ed25519Verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  return verify(null, data, publicKeyObject(publicKey), signature);
}
