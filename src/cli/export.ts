// `dpp export <digital-link>`: the unit's passport bundle, found from the Digital Link alone (its linkset's
// dpp:bundle link), written to a file or standard output.
import { writeFileSync } from 'node:fs';
import { InputError, NotFoundError } from '../errors.js';
import { canonicalDigitalLink, parseDigitalLink } from '../gs1/index.js';
import { BUNDLE_TYPE } from '../ledger/bundle.js';
import { LINK_TYPES } from '../ledger/link-types.js';
import { networkFetch } from './network.js';

export async function exportCommand(digitalLink: string, outFile: string | undefined, out: (s: string) => void): Promise<number> {
  const { stem } = parseDigitalLink(digitalLink);
  const canonical = canonicalDigitalLink(digitalLink, { stem });
  const fetch = networkFetch();
  const url = `${canonical.split('?')[0]}?linkType=${encodeURIComponent(LINK_TYPES.bundle)}`;
  const redirect = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual' }).catch((err: Error) => {
    throw new InputError('INVALID_INPUT', `Cannot reach ${url}: ${err.message}`);
  });
  // networkFetch never follows redirects: the resolver's answer is read, then its target fetched.
  const location = redirect.status === 307 ? redirect.headers.get('location') : undefined;
  if (!location) throw new NotFoundError('NOT_FOUND', `${canonical} has no passport bundle (${redirect.status})`);
  const res = await fetch(new URL(location, url).toString(), { headers: { accept: 'application/json' } });
  const bundle = res.ok ? ((await res.json()) as { type?: string }) : undefined;
  if (bundle?.type !== BUNDLE_TYPE) throw new InputError('INVALID_INPUT', `${location} is not a passport bundle (${res.status})`);
  const text = JSON.stringify(bundle, null, 2);
  if (outFile) {
    writeFileSync(outFile, text + '\n');
    out(`${canonical} → ${outFile}`);
  } else out(text);
  return 0;
}
