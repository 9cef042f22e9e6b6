// Multibase (base58btc `z`, base64url `u`) and the multicodec prefixes of Ed25519 keys.
import { base64urlDecode, base64urlEncode } from '../platform/bytes.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

/** multicodec `ed25519-pub` (0xed) as varint. */
export const ED25519_PUB_PREFIX = Uint8Array.of(0xed, 0x01);
/** multicodec `ed25519-priv` (0x1300) as varint. */
export const ED25519_PRIV_PREFIX = Uint8Array.of(0x80, 0x26);

export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (const byte of bytes.subarray(zeros)) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i]! << 8;
      digits[i] = carry % 58;
      carry = (carry / 58) | 0;
    }
    for (; carry > 0; carry = (carry / 58) | 0) digits.push(carry % 58);
  }
  return '1'.repeat(zeros) + digits.reverse().map((d) => ALPHABET[d]).join('');
}

/** Returns undefined for a string that is not base58btc. */
export function base58btcDecode(text: string): Uint8Array | undefined {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const bytes: number[] = [];
  for (const char of text.slice(zeros)) {
    let carry = INDEX.get(char);
    if (carry === undefined) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    for (; carry > 0; carry >>= 8) bytes.push(carry & 0xff);
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes.reverse()]);
}

/** Decodes a `z` (base58btc) or `u` (base64url) multibase string; undefined if it is neither. */
export function multibaseDecode(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length < 2) return undefined;
  const body = text.slice(1);
  if (text[0] === 'z') return base58btcDecode(body);
  if (text[0] === 'u' && /^[A-Za-z0-9_-]*$/.test(body)) return base64urlDecode(body);
  return undefined;
}

export function multibaseBase58(bytes: Uint8Array): string {
  return 'z' + base58btcEncode(bytes);
}

export function multibaseBase64url(bytes: Uint8Array): string {
  return 'u' + base64urlEncode(bytes);
}

export function withPrefix(prefix: Uint8Array, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + bytes.length);
  out.set(prefix);
  out.set(bytes, prefix.length);
  return out;
}

/** The 32-byte Ed25519 public key inside a `z6Mk…` Multikey, or undefined. */
export function ed25519PublicKeyFromMultibase(publicKeyMultibase: string): Uint8Array | undefined {
  const bytes = multibaseDecode(publicKeyMultibase);
  if (!bytes || bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) return undefined;
  return bytes.subarray(2);
}

export function ed25519PublicKeyToMultibase(publicKey: Uint8Array): string {
  return multibaseBase58(withPrefix(ED25519_PUB_PREFIX, publicKey));
}
