// W3C Bitstring Status List v1.0: encoding, bits (index 0 is the left-most bit), and status list credentials.
// @see https://www.w3.org/TR/vc-bitstring-status-list/
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataModelError } from '../errors.js';
import { multibaseDecode, multibaseBase64url } from '../did/multibase.js';
import type { JsonObject } from './credential.js';

/** The spec's minimum: 16 KB, so that one unit's bit hides among 131,072. */
export const MIN_STATUS_LIST_BITS = 131_072;
/** The largest list we decode: 2^26 entries (8 MiB), far beyond any issuer's need. */
export const MAX_STATUS_LIST_BYTES = 8 * 1024 * 1024;
export const STATUS_PURPOSES = ['revocation', 'suspension', 'message'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

export function createBitstring(bits = MIN_STATUS_LIST_BITS): Uint8Array {
  if (!Number.isInteger(bits) || bits < MIN_STATUS_LIST_BITS || bits % 8 !== 0) {
    throw new TypeError(`A status list has a multiple of 8 bits, at least ${MIN_STATUS_LIST_BITS}`);
  }
  return new Uint8Array(bits / 8);
}

export function getBit(bitstring: Uint8Array, index: number): boolean {
  const byte = Number.isSafeInteger(index) ? bitstring[Math.floor(index / 8)] : undefined;
  if (byte === undefined || index < 0) throw new RangeError(`Status index ${index} is outside the list`);
  return (byte & (0x80 >> (index % 8))) !== 0;
}

export function setBit(bitstring: Uint8Array, index: number, value: boolean): void {
  const at = Math.floor(index / 8);
  if (!Number.isSafeInteger(index) || index < 0 || at >= bitstring.length) throw new RangeError(`Status index ${index} is outside the list`);
  if (value) bitstring[at]! |= 0x80 >> (index % 8);
  else bitstring[at]! &= ~(0x80 >> (index % 8));
}

/** `encodedList`: multibase base64url (no padding) of the GZIP-compressed bitstring. */
export function encodeBitstring(bitstring: Uint8Array): string {
  return multibaseBase64url(gzipSync(bitstring));
}

export function decodeBitstring(encodedList: string): Uint8Array {
  const compressed = multibaseDecode(encodedList);
  if (!compressed || encodedList[0] !== 'u') {
    throw new DataModelError('STATUS_LIST_INVALID', 'encodedList is not multibase base64url', { evidence: { encodedList: encodedList.slice(0, 40) } });
  }
  try {
    // A status list is at most MAX_STATUS_LIST_BYTES: a GZIP bomb fails here instead of filling memory.
    return new Uint8Array(gunzipSync(compressed, { maxOutputLength: MAX_STATUS_LIST_BYTES }));
  } catch (err) {
    throw new DataModelError('STATUS_LIST_INVALID', 'encodedList is not GZIP data', { cause: err });
  }
}

/** An unsigned BitstringStatusListCredential for `bitstring`. */
export function statusListCredential(options: {
  id: string;
  issuer: string;
  purpose: StatusPurpose;
  bitstring: Uint8Array;
  validFrom: string;
}): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: options.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuer,
    validFrom: options.validFrom,
    credentialSubject: {
      id: `${options.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: options.purpose,
      encodedList: encodeBitstring(options.bitstring),
    },
  };
}

/** A `credentialStatus` entry pointing at bit `index` of the list credential `listId`. */
export function statusEntry(listId: string, purpose: StatusPurpose, index: number): JsonObject {
  return {
    id: `${listId}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: listId,
  };
}
