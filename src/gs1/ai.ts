// The GS1 Application Identifiers as data: formats, Digital Link roles and key-qualifier sequences, read once from AI_TABLE.
import { AI_TABLE } from './ai-table.js';

/** One component of an AI's format specification, e.g. `N14,csum` or `[X..17]`. */
export interface Component {
  /** N digits, X CSET 82, Y CSET 39, Z CSET 64 (URI-safe base64). */
  type: 'N' | 'X' | 'Y' | 'Z';
  min: number;
  max: number;
  /** Optional components may be left out once the data is exhausted. */
  optional: boolean;
  linters: readonly string[];
}

export interface AiEntry {
  ai: string;
  title: string;
  /** The format specification as the dictionary writes it. */
  spec: string;
  /** Predefined length ("*"): no FNC1 separator follows it in an element string. */
  predefinedLength: boolean;
  /** Permitted as a Digital Link data attribute in the query ("?"). */
  dataAttribute: boolean;
  components: readonly Component[];
  minLength: number;
  maxLength: number;
  /** For a Digital Link primary key: the alternative ordered qualifier sequences (`dlpkey=22,10,21|235`). */
  qualifierSequences?: readonly (readonly string[])[];
}

/** What a caller may learn about an AI. */
export interface AiInfo {
  ai: string;
  title: string;
  /** The format specification, e.g. "N14,csum,gcppos2" or "N13,csum,gcppos1 [X..17]". */
  format: string;
  minLength: number;
  maxLength: number;
  /** Predefined length: needs no FNC1 separator after it in an element string. */
  predefinedLength: boolean;
  /** Usable as the primary key of a Digital Link. */
  primaryKey: boolean;
  /** A key qualifier of some primary key (it goes in the path, never in the query). */
  qualifier: boolean;
  /** Permitted as a data attribute in the query. */
  dataAttribute: boolean;
  /** For primary keys, the alternative qualifier sequences in path order; empty otherwise. */
  qualifierSequences: string[][];
  /** The linters applied to its components, e.g. ["csum", "gcppos2"]. */
  linters: string[];
}

const COMPONENT = /^(\[)?([NXYZ])(\.\.)?(\d+)(\])?((?:,[a-z0-9]+)*)$/;

function parseComponent(token: string, ai: string): Component {
  const match = COMPONENT.exec(token);
  if (!match) throw new Error(`AI table: bad component ${JSON.stringify(token)} of AI ${ai}`);
  const [, open, type, range, digits, close, linters] = match;
  if (Boolean(open) !== Boolean(close)) throw new Error(`AI table: unbalanced brackets in ${token} of AI ${ai}`);
  const max = Number(digits);
  return {
    type: type as Component['type'],
    min: range ? 1 : max,
    max,
    optional: Boolean(open),
    linters: linters ? linters.slice(1).split(',') : [],
  };
}

function expandRange(field: string): string[] {
  const [from, to = from] = field.split('-') as [string, string?];
  const out: string[] = [];
  for (let n = Number(from); n <= Number(to); n++) out.push(String(n).padStart(from.length, '0'));
  return out;
}

function buildEntries(): Map<string, AiEntry> {
  const entries = new Map<string, AiEntry>();
  for (const [field, flags, spec, attributes, title] of AI_TABLE) {
    for (const ai of expandRange(field)) {
      const components = spec.split(' ').map((token) => parseComponent(token, ai));
      let qualifierSequences: string[][] | undefined;
      for (const attribute of attributes.split(' ')) {
        if (attribute === 'dlpkey') qualifierSequences = [[]];
        else if (attribute.startsWith('dlpkey=')) qualifierSequences = attribute.slice(7).split('|').map((seq) => seq.split(','));
      }
      entries.set(ai, {
        ai,
        title,
        spec,
        predefinedLength: flags.includes('*'),
        dataAttribute: flags.includes('?'),
        components,
        minLength: components.reduce((n, c) => n + (c.optional ? 0 : c.min), 0),
        maxLength: components.reduce((n, c) => n + c.max, 0),
        ...(qualifierSequences ? { qualifierSequences } : {}),
      });
    }
  }
  return entries;
}

const ENTRIES = buildEntries();

/** The AI table entry of `ai`, or undefined when `ai` is not a GS1 Application Identifier. */
export function lookupAi(ai: string): AiEntry | undefined {
  return ENTRIES.get(ai);
}

/** Every AI that can be the primary key of a GS1 Digital Link, in AI order. */
export const PRIMARY_KEYS: readonly string[] = Object.freeze([...ENTRIES.values()].filter((e) => e.qualifierSequences).map((e) => e.ai));

/** Every AI that is a key qualifier of some primary key. */
export const QUALIFIERS: ReadonlySet<string> = new Set([...ENTRIES.values()].flatMap((e) => (e.qualifierSequences ?? []).flat()));

/**
 * Every valid Digital Link path AI sequence ("01 22 10 21", "01 10", "01 235", "414 254", …): the primary key
 * followed by an order-preserving selection from one of its qualifier sequences. Sorted, as GS1's engine keeps
 * them, because URI generation picks the first best match in this order.
 */
export const PATH_SEQUENCES: readonly string[] = (() => {
  const all = new Set<string>();
  for (const entry of ENTRIES.values()) {
    for (const sequence of entry.qualifierSequences ?? []) {
      let selections: string[][] = [[]];
      for (const qualifier of sequence) selections = [...selections, ...selections.map((s) => [...s, qualifier])];
      for (const selection of selections) all.add([entry.ai, ...selection].join(' '));
    }
  }
  return Object.freeze([...all].sort());
})();

const PATH_SEQUENCE_SET = new Set(PATH_SEQUENCES);

/** Whether `ais` (primary key first) is a valid Digital Link path sequence. */
export function isValidPathSequence(ais: readonly string[]): boolean {
  return PATH_SEQUENCE_SET.has(ais.join(' '));
}

export function aiInfo(ai: string): AiInfo | undefined {
  const entry = ENTRIES.get(ai);
  if (!entry) return undefined;
  return {
    ai: entry.ai,
    title: entry.title,
    format: entry.spec,
    minLength: entry.minLength,
    maxLength: entry.maxLength,
    predefinedLength: entry.predefinedLength,
    primaryKey: entry.qualifierSequences !== undefined,
    qualifier: QUALIFIERS.has(ai),
    dataAttribute: entry.dataAttribute,
    qualifierSequences: (entry.qualifierSequences ?? []).filter((s) => s.length > 0).map((s) => [...s]),
    linters: entry.components.flatMap((c) => c.linters),
  };
}

/** Every AI of the table (ranges expanded), in AI order. */
export function allAis(): string[] {
  return [...ENTRIES.keys()];
}
