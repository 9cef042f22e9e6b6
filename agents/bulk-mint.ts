// Minting many units from a file: in batches (one signed request and one durable ledger write each),
// resumable after an interruption without duplicates (a unit whose chain exists is skipped), with progress.
import { readFileSync } from 'node:fs';
import { DppError, isDppError } from '../src/index.js';
import type { Json } from './client.js';
import type { Manufacturer, UnitSpec, WarrantyTerms } from './manufacturer.js';

export interface MintProgress {
  total: number;
  done: number;
  minted: number;
  skipped: number;
  failed: number;
  /** Units per second so far, and the seconds still to go at that rate. */
  rate: number;
  eta: number;
}

export interface MintSummary extends Omit<MintProgress, 'rate' | 'eta' | 'done'> {
  seconds: number;
  rate: number;
  failures: { unit: string; code: string; message: string }[];
}

/**
 * Mints `specs`; a batch the server refuses as a whole is retried unit by unit so that one bad row
 * fails alone. `now` measures the rate.
 */
export async function bulkMint(
  manufacturer: Manufacturer,
  specs: readonly UnitSpec[],
  options: { batchSize?: number; onProgress?: (p: MintProgress) => void; now?: () => number } = {},
): Promise<MintSummary> {
  const now = options.now ?? (() => performance.now());
  const batchSize = options.batchSize ?? 50;
  const started = now();
  const summary: MintSummary = { total: specs.length, minted: 0, skipped: 0, failed: 0, seconds: 0, rate: 0, failures: [] };
  const { actor } = manufacturer;
  const fail = (unit: string, err: unknown) => {
    summary.failed++;
    summary.failures.push({ unit, code: isDppError(err) ? err.code : 'INTERNAL', message: (err as Error).message });
  };
  const mintBatch = async (batch: readonly UnitSpec[]) => {
    const status = await Promise.all([actor.allocateStatus('revocation', batch.length), actor.allocateStatus('message', batch.length)]);
    const items = [];
    for (let i = 0; i < batch.length; i++) items.push(...(await manufacturer.prepareUnit(batch[i]!, [status[0][i]!, status[1][i]!])));
    await actor.append(items);
  };
  for (let at = 0; at < specs.length; at += batchSize) {
    const chunk = specs.slice(at, at + batchSize);
    const fresh: UnitSpec[] = [];
    for (const spec of chunk) {
      try {
        if (await actor.client.head(spec.digitalLink)) summary.skipped++;
        else fresh.push(spec);
      } catch (err) {
        fail(spec.digitalLink, err);
      }
    }
    if (fresh.length) {
      try {
        await mintBatch(fresh);
        summary.minted += fresh.length;
      } catch {
        for (const spec of fresh) {
          try {
            await mintBatch([spec]);
            summary.minted++;
          } catch (err) {
            fail(spec.digitalLink, err);
          }
        }
      }
    }
    const done = Math.min(at + batchSize, specs.length);
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? summary.minted / seconds : 0;
    options.onProgress?.({ total: specs.length, done, minted: summary.minted, skipped: summary.skipped, failed: summary.failed, rate, eta: rate > 0 ? (specs.length - done) / rate : 0 });
  }
  summary.seconds = (now() - started) / 1000;
  summary.rate = summary.seconds > 0 ? summary.minted / summary.seconds : 0;
  return summary;
}

/** The passport columns a CSV row may carry besides `digitalLink`. */
const CSV_FIELDS = ['name', 'modelNumber', 'hardwareRevision', 'firmwareVersion', 'productionDate'] as const;

/**
 * Units from a JSON file (`[{digitalLink, passport}]`) or a CSV file with a header row: `digitalLink`,
 * then any of name, modelNumber, hardwareRevision, firmwareVersion, productionDate, facilityId,
 * facilityName, countryCode, categoryCode, categoryName, categorySchemeId (a URI), categorySchemeName. `warranty` applies to every unit.
 */
export function readUnitsFile(file: string, warranty?: WarrantyTerms): UnitSpec[] {
  const text = readFileSync(file, 'utf8');
  const bad = (message: string) => new DppError('INVALID_INPUT', `${file}: ${message}`);
  let specs: UnitSpec[];
  if (/\.json$/i.test(file) || /^\s*[[{]/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DppError('INVALID_JSON', `${file} is not JSON`);
    }
    if (!Array.isArray(parsed)) throw bad('a JSON units file is an array of {digitalLink, passport}');
    specs = parsed.map((row: Json, i) => {
      if (typeof row?.digitalLink !== 'string') throw bad(`item ${i} has no digitalLink`);
      return { digitalLink: row.digitalLink, passport: (row.passport as Json) ?? {} };
    });
  } else {
    const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    const columns = (header ?? '').split(',').map((c) => c.trim());
    if (!columns.includes('digitalLink')) throw bad('the CSV header names a digitalLink column');
    specs = rows.map((line, i) => {
      const cells = line.split(',').map((c) => c.trim());
      if (cells.length !== columns.length) throw bad(`row ${i + 2} has ${cells.length} cells, the header ${columns.length}`);
      const row = Object.fromEntries(columns.map((c, j) => [c, cells[j]!]));
      const passport: Json = {};
      for (const field of CSV_FIELDS) if (row[field]) passport[field] = row[field];
      if (row.facilityId) passport.producedAtFacility = { id: row.facilityId, name: row.facilityName || row.facilityId, ...(row.countryCode ? { countryOfOperation: { countryCode: row.countryCode } } : {}) };
      if (row.countryCode) passport.countryOfProduction = { countryCode: row.countryCode };
      if (row.categoryCode) {
        passport.productCategory = [{ code: row.categoryCode, name: row.categoryName || row.categoryCode, schemeId: row.categorySchemeId, ...(row.categorySchemeName ? { schemeName: row.categorySchemeName } : {}) }];
      }
      return { digitalLink: row.digitalLink!, passport };
    });
  }
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.digitalLink)) throw bad(`${spec.digitalLink} is listed twice`);
    seen.add(spec.digitalLink);
  }
  return warranty ? specs.map((s) => ({ ...s, warranty })) : specs;
}
