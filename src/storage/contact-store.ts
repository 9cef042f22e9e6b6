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

/** A recall notice waiting for the operator's mailer, with the contact it goes to. */
export interface RecallNotification {
  /** The recall notice's id, and the covered unit's Digital Link. */
  notice: string;
  unit: string;
  owner: string;
  contact: Contact;
  reason: string;
  remedy: string;
}

export interface ContactStore {
  /** The write that keeps `contact` for the owner of `unit`, for the caller's atomic batch. */
  preparePut(unit: string, owner: string, contact: Contact): PreparedWrite;
  prepareDelete(unit: string, owner: string): PreparedWrite;
  get(unit: string, owner: string): Promise<Contact | undefined>;
  /** Everyone to notify about `unit` (a recall). */
  list(unit: string): Promise<{ owner: string; contact: Contact }[]>;
  /** The write that queues a recall notification (sealed like the contact it copies). */
  prepareNotification(notification: RecallNotification): PreparedWrite;
  /** The queued notifications, and the write that removes them once handed over. */
  outbox(): Promise<{ notifications: RecallNotification[]; drained: PreparedWrite }>;
}

const PREFIX = 'contact/';
const OUTBOX = 'contact-outbox/';
const keyOf = (unit: string, owner: string) => `${PREFIX}${encodeURIComponent(unit)}/${encodeURIComponent(owner)}`;

/** `secretHex`: the node's 32-byte secret; the sealing key is derived from it for this purpose only. */
export function createContactStore(store: Store, secretHex: string): ContactStore {
  const key = createHmac('sha256', Buffer.from(secretHex, 'hex')).update('dpp-ledger contact details v1').digest();
  const seal = (owner: string, contact: unknown) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(owner));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(contact), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  };
  const open = <T = Contact>(owner: string, value: string): T => {
    const raw = Buffer.from(value, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(owner));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
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
    prepareNotification: (n) => write({ type: 'put', key: `${OUTBOX}${encodeURIComponent(n.notice)}/${encodeURIComponent(n.unit)}/${encodeURIComponent(n.owner)}`, value: seal(n.owner, n) }),
    async outbox() {
      const notifications: RecallNotification[] = [];
      const operations: BatchOperation[] = [];
      for await (const [k, value] of store.entries(OUTBOX)) {
        notifications.push(open<RecallNotification>(decodeURIComponent(k.slice(k.lastIndexOf('/') + 1)), value));
        operations.push({ type: 'del', key: k });
      }
      return { notifications, drained: { operations, commit: () => {} } };
    },
  };
}
