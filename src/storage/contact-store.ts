// Owners' contact details for recall notices: given only with consent, kept apart from every credential
// and the log, sealed at rest (AES-256-GCM), readable and erasable by the owner who gave them.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { BatchOperation, PreparedWrite, Store } from './store.js';

export interface Contact {
  email?: string;
  phone?: string;
  /** When the owner consented (ISO date-time). */
  consentedAt: string;
}

export interface ContactStore {
  /** The write that keeps `contact` for the owner of `unit`, for the caller's atomic batch. */
  preparePut(unit: string, owner: string, contact: Contact): PreparedWrite;
  prepareDelete(unit: string, owner: string): PreparedWrite;
  get(unit: string, owner: string): Promise<Contact | undefined>;
  /** Everyone to notify about `unit` (a recall). */
  list(unit: string): Promise<{ owner: string; contact: Contact }[]>;
}

const PREFIX = 'contact/';
const keyOf = (unit: string, owner: string) => `${PREFIX}${encodeURIComponent(unit)}/${encodeURIComponent(owner)}`;

/** `secretHex`: the node's 32-byte secret; the sealing key is derived from it for this purpose only. */
export function createContactStore(store: Store, secretHex: string): ContactStore {
  const key = createHmac('sha256', Buffer.from(secretHex, 'hex')).update('dpp-ledger contact details v1').digest();
  const seal = (owner: string, contact: Contact) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(owner));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(contact), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  };
  const open = (owner: string, value: string): Contact => {
    const raw = Buffer.from(value, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(owner));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Contact;
  };
  const write = (operation: BatchOperation): PreparedWrite => ({ operations: [operation], commit: () => {} });
  return {
    preparePut: (unit, owner, contact) => write({ type: 'put', key: keyOf(unit, owner), value: seal(owner, contact) }),
    prepareDelete: (unit, owner) => write({ type: 'del', key: keyOf(unit, owner) }),
    async get(unit, owner) {
      const value = await store.get(keyOf(unit, owner));
      return value === undefined ? undefined : open(owner, value);
    },
    async list(unit) {
      const out: { owner: string; contact: Contact }[] = [];
      for await (const [k, value] of store.entries(`${PREFIX}${encodeURIComponent(unit)}/`)) {
        const owner = decodeURIComponent(k.slice(k.lastIndexOf('/') + 1));
        out.push({ owner, contact: open(owner, value) });
      }
      return out;
    },
  };
}
