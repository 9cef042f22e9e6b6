// What the ledger knows per identified thing: a unit (serial), a batch or a product (GTIN), by its GS1 key.
import type { AiValue, DigitalLink } from '../gs1/index.js';
import { CANONICAL_STEM, digitalLinkPath, parseDigitalLink, toElementString } from '../gs1/index.js';
import { getJson, type PreparedWrite, type Store } from '../storage/store.js';

export type { PreparedWrite };

export type Level = 'item' | 'batch' | 'product';

export interface SubjectCredential {
  id: string;
  type: string;
}

export interface SubjectRecord {
  /** The level's GS1 element string, e.g. `(01)09506000134352(21)HP-000123`. */
  key: string;
  level: Level;
  /** The Digital Link path as the ledger first saw it (a unit's path keeps its lot), e.g. `/01/…/10/…/21/…`. */
  path: string;
  /** A human description, used as the linkset's `itemDescription`. */
  name: string;
  /** Every credential about it, in the order it was recorded. */
  credentials: SubjectCredential[];
  /** What its passport says is there to link to (`spareParts`, `claims`). */
  facets: string[];
}

const PREFIX = 'subject/';
/** Key qualifiers that identify a unit on their own (a serial does not need its lot). */
const SERIAL_AIS = new Set(['21', '235']);
const BATCH_AIS = new Set(['10']);

/**
 * The levels a Digital Link names, most specific first, as element-string keys. A serialised unit is
 * identified without its lot; its lot, when given, names the batch level; the bare key names the product.
 */
export function levelsOf(dl: Pick<DigitalLink, 'primaryKey' | 'qualifiers'>): { level: Level; key: string; qualifiers: AiValue[] }[] {
  const { primaryKey, qualifiers } = dl;
  const serial = qualifiers.filter((q) => SERIAL_AIS.has(q.ai));
  const batch = qualifiers.filter((q) => BATCH_AIS.has(q.ai));
  const variant = qualifiers.filter((q) => !SERIAL_AIS.has(q.ai) && !BATCH_AIS.has(q.ai));
  const key = (qs: AiValue[]) => toElementString({ primaryKey, qualifiers: qs, attributes: [] });
  const levels: { level: Level; key: string; qualifiers: AiValue[] }[] = [];
  if (serial.length) levels.push({ level: 'item', key: key([...variant, ...serial]), qualifiers: [...variant, ...serial] });
  if (batch.length) levels.push({ level: 'batch', key: key([...variant, ...batch]), qualifiers: [...variant, ...batch] });
  levels.push({ level: 'product', key: key(variant), qualifiers: variant });
  return levels;
}

export interface SubjectRegistry {
  get(key: string): Promise<SubjectRecord | undefined>;
  /** The records of every level of `dl` that the ledger knows, most specific first (a unit's lot included). */
  resolve(dl: Pick<DigitalLink, 'primaryKey' | 'qualifiers'>): Promise<SubjectRecord[]>;
  /**
   * The write that lists `credential` under the most specific level of `dl`: the caller puts `operations`
   * in its atomic batch and calls `commit()` once that batch is durable. `records` carries the state of
   * subjects already prepared in the same batch, so several credentials about one subject add up.
   */
  prepare(dl: DigitalLink, credential: SubjectCredential & { name?: string; facets?: string[] }, records?: Map<string, SubjectRecord>): Promise<PreparedWrite>;
}


/** Lookups answered from memory, misses included; at most this many before the cache starts over. */
const CACHE_LIMIT = 100_000;

/**
 * The registry is the only writer of subject records and the process running it the only writer of
 * the store (one sequencer), so its read cache is exact. A deployment with several writers must not share it.
 */
export function createSubjectRegistry(store: Store): SubjectRegistry {
  const cache = new Map<string, SubjectRecord | null>();
  const get = async (key: string): Promise<SubjectRecord | undefined> => {
    const cached = cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const record = await getJson<SubjectRecord>(store, PREFIX + key);
    // A write committed while this read was in flight is newer than what the read found: keep it.
    if (cache.has(key)) return cache.get(key) ?? undefined;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, record ?? null);
    return record;
  };
  return {
    get,
    async resolve(dl) {
      const found: SubjectRecord[] = [];
      for (const { key } of levelsOf(dl)) {
        // Straight from the cache when it knows, without a turn of the event loop.
        const cached = cache.get(key);
        const record = cached === undefined ? await get(key) : (cached ?? undefined);
        if (record) found.push(record);
      }
      // A unit asked for without its lot still shows its batch's links.
      const unit = found[0]?.level === 'item' ? found[0] : undefined;
      if (unit && !found.some((r) => r.level === 'batch')) {
        const batchLevel = levelsOf(parseDigitalLink(CANONICAL_STEM + unit.path)).find((l) => l.level === 'batch');
        const batch = batchLevel && (await get(batchLevel.key));
        if (batch) found.splice(1, 0, batch);
      }
      return found;
    },
    async prepare(dl, credential, records = new Map()) {
      const [level] = levelsOf(dl);
      const existing = records.get(level!.key) ?? (await get(level!.key));
      const record: SubjectRecord = existing ? structuredClone(existing) : {
        key: level!.key,
        level: level!.level,
        path: digitalLinkPath(dl),
        name: credential.name ?? level!.key,
        credentials: [],
        facets: [],
      };
      if (!record.credentials.some((c) => c.id === credential.id)) record.credentials.push({ id: credential.id, type: credential.type });
      for (const facet of credential.facets ?? []) if (!record.facets.includes(facet)) record.facets.push(facet);
      if (credential.name && record.name === record.key) record.name = credential.name;
      records.set(record.key, record);
      return {
        operations: [{ type: 'put', key: PREFIX + record.key, value: JSON.stringify(record) }],
        commit: () => void cache.set(record.key, record),
      };
    },
  };
}
