// JSON views of one unit (events, service history, recall status, spare parts, claims) and its passport page.
import { Router, type Request } from 'express';
import { NotFoundError } from '../errors.js';
import { parseDigitalLink, type DigitalLink } from '../gs1/index.js';
import type { SubjectRecord, SubjectRegistry } from '../ledger/subjects.js';
import { linksOf } from '../ledger/links.js';
import { wildcardPath } from './shared-routes.js';
import { compactLinkType } from '../ledger/link-types.js';
import type { CredentialRepository } from '../storage/credential-repository.js';
import { asArray, isObject, issuerId, type JsonObject } from '../vc/credential.js';
import type { Check } from '../vc/report.js';
import { repairAuthority, type AuthorityLookups } from '../ledger/authority.js';
import { recallCovers } from '../ledger/unit-state.js';

export interface UnitViewDeps {
  origin: string;
  subjects: SubjectRegistry;
  credentials: CredentialRepository;
  /** The ledger as authority checks read it (a fresh view per request). */
  lookups(): AuthorityLookups;
  /** A credential's status checks (a passport's recall state is a status message). */
  checkStatus(credential: JsonObject): Promise<Check[]>;
}

export function unitViews(deps: UnitViewDeps): Router {
  const { origin, subjects, credentials } = deps;
  const router = Router();

  async function load(req: Request): Promise<{ dl: DigitalLink; records: SubjectRecord[]; byType: (type: string) => Promise<JsonObject[]> }> {
    const path = wildcardPath(req);
    const dl = parseDigitalLink(origin + path);
    const records = await subjects.resolve(dl);
    if (records.length === 0) throw new NotFoundError('NOT_FOUND', `No passport is registered for ${path}`);
    const byType = async (type: string) => {
      const found: JsonObject[] = [];
      for (const record of records) {
        for (const c of record.credentials.filter((c) => c.type === type)) {
          const stored = await credentials.get(c.id);
          if (stored) found.push(stored.dataIntegrity);
        }
      }
      return found;
    };
    return { dl, records, byType };
  }

  const href = (id: string) => `${origin}/credentials/${encodeURIComponent(id)}`;

  router.get('/unit/events/*path', async (req, res) => {
    const { records } = await load(req);
    const unit = records[0]!;
    res.json({ subject: origin + unit.path, credentials: unit.credentials.map((c) => ({ ...c, href: href(c.id) })) });
  });

  // Repairs by an accredited repairer read as authorised; anyone else's as independent (the right to repair).
  router.get('/unit/service-history/*path', async (req, res) => {
    const { records, byType } = await load(req);
    const lookups = deps.lookups();
    const history = [];
    for (const vc of await byType('RepairRecordCredential')) {
      const { authorised, reason } = await repairAuthority(vc, lookups);
      const subject = vc.credentialSubject as JsonObject;
      history.push({ id: vc.id, href: href(String(vc.id)), issuer: issuerId(vc), serviceDate: subject.serviceDate, authorised, label: authorised ? 'authorised' : 'independent', reason });
    }
    res.json({ subject: origin + records[0]!.path, records: history });
  });

  // The notices that cover this unit, and its own state (open, remedied) from its passport's status message.
  router.get('/unit/recall-status/*path', async (req, res) => {
    const { records, byType } = await load(req);
    const unit = records[0]!;
    const dl = parseDigitalLink(origin + unit.path);
    const at = { itemNumber: dl.qualifiers.find((q) => q.ai === '21')?.value, batchNumber: dl.qualifiers.find((q) => q.ai === '10')?.value };
    const notices = (await byType('RecallNoticeCredential')).filter((vc) => unit.level !== 'item' || recallCovers(vc, at));
    const [passport] = unit.level === 'item' ? await byType('DigitalProductPassport') : [];
    const message = passport && (await deps.checkStatus(passport)).find((c) => c.code === 'STATUS_MESSAGE');
    const state = notices.length === 0 ? 'none' : /remedied/.test(message?.message ?? '') ? 'remedied' : 'open';
    res.json({ subject: origin + unit.path, recalled: notices.length > 0, state, notices: notices.map((vc) => ({ id: vc.id, href: href(String(vc.id)) })) });
  });

  router.get('/unit/spare-parts/*path', async (req, res) => {
    const { records, byType } = await load(req);
    const parts: JsonObject[] = [];
    for (const passport of await byType('DigitalProductPassport')) {
      const subject = passport.credentialSubject as JsonObject;
      const revision = subject.hardwareRevision;
      for (const part of asArray(subject.compatibleSparePart as JsonObject[] | undefined).filter(isObject)) {
        const revisions = asArray(part.compatibleHardwareRevision as string[] | undefined);
        if (revision === undefined || revisions.includes(String(revision))) parts.push({ ...part, digitalLink: `https://id.gs1.org/01/${String(part.gtin)}` });
      }
    }
    res.json({ subject: origin + records[0]!.path, spareParts: parts });
  });

  router.get('/unit/certifications/*path', async (req, res) => {
    const { records, byType } = await load(req);
    const claims = (await byType('DigitalProductPassport')).flatMap((passport) =>
      asArray((passport.credentialSubject as JsonObject).performanceClaim as JsonObject[] | undefined).map((claim) => ({ ...claim, assertedBy: issuerId(passport), in: href(String(passport.id)) })),
    );
    res.json({ subject: origin + records[0]!.path, claims });
  });

  router.get('/passport/*path', async (req, res) => {
    const { records } = await load(req);
    res.type('text/html').send(passportPage(records, origin));
  });

  return router;
}

/** A plain server-rendered passport: identity and every link. (The full page comes with the passport page issue.) */
function passportPage(records: SubjectRecord[], origin: string): string {
  const [subject] = records;
  const levels = records.map((r) => linksOf(r, origin));
  const rows = levels
    .flatMap((level) => [...level.links].map(([rel, links]) => links.map((l) => `<li><a href="${escape(l.href)}">${escape(l.title)}</a> <small>${escape(compactLinkType(rel))}</small></li>`).join('')))
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(subject!.name)}</title></head><body><main>
<h1>${escape(subject!.name)}</h1><p>Digital Link: <code>${escape(origin + subject!.path)}</code></p>
<section id="links"><h2>Everything about this ${subject!.level === 'item' ? 'unit' : subject!.level}</h2><ul>${rows}</ul></section>
<section id="register"><h2>Register</h2><p>Register this unit with your wallet: <code>dpp owner register --unit ${escape(origin + subject!.path)}</code> (<code>POST /registry/register</code>).</p></section>
<section id="report-found"><h2>Found this unit?</h2><p>Its owner reports it found with <code>dpp owner report --state found</code>; whether it is reported stolen shows in its ownership credential's status.</p></section>
<p><a href="${escape(origin + subject!.path)}?linkType=linkset">The linkset (application/linkset+json)</a></p>
</main></body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
