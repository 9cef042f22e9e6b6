// The second-hand buyer's view: is the seller the current owner (a fresh presentation of the current
// OwnershipCredential), who owned it before (DIDs and dates only), how it was repaired, open recalls,
// the warranty left and whether it transfers, and whether it is reported stolen.
import { repairAuthority } from '../../ledger/authority.js';
import { asArray, isObject, issuerId, subjectOf, type JsonObject } from '../../vc/credential.js';
import { fail, pass, warn, type Check } from '../../vc/report.js';
import type { CredentialReport, PresentationReport } from '../../vc/verify.js';
import type { RoleOptions, RoleView, VerifiedPassport } from '../types.js';
import { credentialIndex, label } from './common.js';

const DAY_MS = 86_400_000;
/** A passport's recall `message` status (see RECALL_STATUS in src/ledger/status-lists.ts). */
const RECALL_OPEN = 1;
const RECALL_REMEDIED = 2;

export async function buyerView(passport: VerifiedPassport, options: RoleOptions): Promise<RoleView> {
  const { state } = passport;
  const index = credentialIndex(passport);
  const checks: Check[] = [];
  const summary: Record<string, unknown> = {};
  const current = state.ownership;
  const currentVc = current && index.get(current.credential);

  // The seller.
  const seller = await sellerCheck(passport, options);
  checks.push(seller.check);
  summary.seller = seller.summary;

  // Ownership history: pseudonymous, the owners' DIDs and dates only.
  summary.owners = state.owners.map((o, i) => ({
    owner: o.owner,
    since: o.since,
    ...(state.owners[i + 1] ? { until: state.owners[i + 1]!.since } : {}),
    credential: o.credential,
    verified: index.get(o.credential)?.verified ?? false,
  }));
  summary.currentOwner = current ? { owner: current.owner, since: current.since, credential: current.credential } : null;

  // Reported stolen or lost: the registry suspends the current ownership.
  if (currentVc?.status.suspended) {
    checks.push(fail('stolen', 'UNIT_REPORTED_STOLEN', `The unit is reported stolen or lost: its current ownership ${current!.credential} is suspended`, { credential: current!.credential, evidence: { owner: current!.owner } }));
  } else if (current) {
    checks.push(pass('stolen', 'Not reported stolen or lost', { credential: current.credential }));
  }
  summary.reportedStolen = currentVc?.status.suspended === true;

  // Repairs, authorised or independent; parts replaced.
  const repairs: Record<string, unknown>[] = [];
  for (const record of state.repairs) {
    const vc = index.counted(record);
    if (!vc) continue;
    const subject = subjectOf(record);
    const authority = await repairAuthority(record, passport.lookups);
    const repairer = String(issuerId(record));
    const id = label(record);
    const named = typeof subject.accreditation === 'string';
    repairs.push({
      credential: id,
      repairer,
      serviceDate: subject.serviceDate,
      fault: subject.fault,
      workDone: subject.workDone,
      partReplaced: asArray(subject.partReplaced as unknown).filter(isObject),
      ...(subject.firmwareUpdated === true ? { firmwareVersion: subject.firmwareVersion } : {}),
      ...(typeof subject.remediesRecall === 'string' ? { remediesRecall: subject.remediesRecall } : {}),
      authorised: authority.authorised,
      label: authority.authorised ? 'authorised' : 'independent',
      reason: authority.reason,
      ...(authority.accreditation ? { accreditation: authority.accreditation } : {}),
    });
    if (authority.authorised) checks.push(pass('repair', `Authorised repair on ${String(subject.serviceDate)} by ${repairer}, ${authority.reason}`, { credential: id, evidence: { repairer, accreditation: authority.accreditation } }));
    else if (named) {
      checks.push(fail('repair', 'REPAIRER_NOT_ACCREDITED', `Repair on ${String(subject.serviceDate)} by ${repairer} names accreditation ${String(subject.accreditation)}, which does not make it authorised: ${authority.reason}`, { credential: id, evidence: { repairer, accreditation: subject.accreditation, reason: authority.reason } }));
    } else checks.push(pass('repair', `Independent repair on ${String(subject.serviceDate)} by ${repairer} (it claims no accreditation)`, { credential: id, evidence: { repairer } }));
  }
  summary.repairs = repairs;
  summary.partsReplaced = repairs.flatMap((r) => (r.partReplaced as JsonObject[]).map((p) => ({ ...p, credential: r.credential, serviceDate: r.serviceDate })));

  // Recalls that cover the unit, and whether the manufacturer says they are remedied for it.
  const dpp = index.get(state.passport?.id);
  const recallStatus = dpp?.status.message;
  const recalls: Record<string, unknown>[] = [];
  for (const notice of state.recalls) {
    if (!index.counted(notice)) continue;
    const subject = subjectOf(notice);
    const id = label(notice);
    const claimedBy = repairs.filter((r) => r.remediesRecall === id).map((r) => r.credential);
    const open = recallStatus?.value === RECALL_OPEN;
    const remedied = recallStatus?.value === RECALL_REMEDIED;
    const recallState = open ? 'open' : remedied ? 'remedied' : 'unknown';
    const about = { recallNumber: subject.recallNumber, reason: subject.reason, hazard: subject.hazard, remedy: subject.remedy, recallDate: subject.recallDate };
    recalls.push({ credential: id, ...about, state: recallState, ...(claimedBy.length ? { remediedByRepair: claimedBy } : {}) });
    const evidence = { ...about, passportStatus: recallStatus ?? null, ...(claimedBy.length ? { remediedByRepair: claimedBy } : {}) };
    if (remedied) checks.push(pass('recall', `Recall ${String(subject.recallNumber ?? id)} is remedied for this unit`, { credential: id, evidence }));
    else {
      const why = open ? 'open for this unit' : "not known to be remedied (the passport's recall status is not set)";
      checks.push(warn('recall', 'STATUS_MESSAGE', `Recall ${String(subject.recallNumber ?? id)} ${why}: ${String(subject.reason)}; remedy: ${String(subject.remedy)}`, { credential: id, evidence }));
    }
  }
  summary.recalls = recalls;

  // The warranty left, and whether it passes to a buyer.
  const warranty = warrantyLeft(passport);
  summary.warranty = warranty.summary;
  checks.push(warranty.check);

  if (state.endOfLife && index.counted(state.endOfLife)) {
    const subject = subjectOf(state.endOfLife);
    checks.push(warn('end-of-life', 'UNIT_ENDED', `The unit is at end of life: ${String(subject.endOfLifeState)} on ${String(subject.endOfLifeDate)}`, { credential: label(state.endOfLife) }));
    summary.endOfLife = { state: subject.endOfLifeState, date: subject.endOfLifeDate, credential: label(state.endOfLife) };
  }
  return { role: 'buyer', checks, summary };
}

/**
 * The seller proves ownership with a presentation over the buyer's challenge: it verifies, its holder is
 * the current owner, and it holds the current OwnershipCredential. A suspended ownership (reported stolen)
 * still proves who holds it; that is the `stolen` check's to report.
 */
async function sellerCheck(passport: VerifiedPassport, options: RoleOptions): Promise<{ check: Check; summary: Record<string, unknown> }> {
  const current = passport.state.ownership;
  if (options.presentation === undefined) {
    return { check: warn('seller', 'CHECK_UNAVAILABLE', 'Whether the seller owns the unit was not checked: give --presentation and --challenge to check the seller'), summary: { checked: false } };
  }
  if (options.challenge === undefined) {
    return {
      check: fail('seller', 'CHALLENGE_MISMATCH', 'No challenge was given: a presentation not bound to a challenge of yours could be a replay of an old one; give --challenge', { evidence: { holder: holderOf(options.presentation) ?? null } }),
      summary: { checked: false, holder: holderOf(options.presentation) ?? null },
    };
  }
  const report = await passport.verifyPresentation(options.presentation, { challenge: options.challenge, ...(options.domain !== undefined ? { domain: options.domain } : {}) });
  const holder = holderOf(options.presentation);
  const summary: Record<string, unknown> = { checked: true, holder: holder ?? null, owner: current?.owner ?? null };
  const notOwner = (why: string, evidence: Record<string, unknown> = {}) => ({
    check: fail('seller', 'NOT_OWNER', `The seller is not shown to own the unit: ${why}`, { ...(current ? { credential: current.credential } : {}), evidence: { holder: holder ?? null, owner: current?.owner ?? null, ...evidence } }),
    summary: { ...summary, owner: current?.owner ?? null, proven: false, reason: why },
  });
  const proofFailure = report.checks.find((c) => c.status === 'fail' && c.id !== 'credential');
  if (proofFailure?.code === 'CHALLENGE_MISMATCH') {
    return { check: fail('seller', 'CHALLENGE_MISMATCH', `The presentation is not over your challenge: ${proofFailure.message}`, { evidence: { holder: holder ?? null } }), summary: { ...summary, proven: false } };
  }
  if (proofFailure) return notOwner(`the presentation does not verify (${String(proofFailure.code)}: ${proofFailure.message})`, { failed: proofFailure });
  if (!current) return notOwner('nobody has registered the unit');
  if (holder === undefined) return notOwner('the presentation names no holder');
  if (holder !== current.owner) return notOwner(`the presentation is by ${holder}, but the current owner is ${current.owner}`);
  const held = report.credentials.find((c) => c.credential?.id === current.credential);
  if (!held) {
    return notOwner(`the presentation does not hold the current OwnershipCredential ${current.credential}`, { presented: report.credentials.map((c) => c.credential?.id ?? null) });
  }
  const failed = blocking(held);
  if (failed) return notOwner(`the ownership credential it holds does not verify (${String(failed.code)}: ${failed.message})`, { failed });
  return {
    check: pass('seller', `The seller ${current.owner} holds the current ownership ${current.credential}, presented over your challenge`, { credential: current.credential, evidence: { holder } }),
    summary: { ...summary, proven: true },
  };
}

/** The first failure of a presented credential other than its suspension. */
function blocking(report: CredentialReport): PresentationReport['checks'][number] | undefined {
  return report.checks.find((c) => c.status === 'fail' && c.code !== 'STATUS_SUSPENDED');
}

function holderOf(presentation: unknown): string | undefined {
  if (!isObject(presentation)) return undefined;
  const holder = presentation.holder;
  return typeof holder === 'string' ? holder : isObject(holder) && typeof holder.id === 'string' ? holder.id : undefined;
}

function warrantyLeft(passport: VerifiedPassport): { check: Check; summary: Record<string, unknown> | null } {
  const { state, now } = passport;
  const terms = state.warranty && credentialIndex(passport).counted({ id: state.warranty.credential }) ? state.warranty : undefined;
  const base = terms ? { credential: terms.credential, period: terms.period, start: terms.start, transferable: terms.transferable, terms: terms.terms } : {};
  const transfers = terms ? (terms.transferable ? 'it passes to a buyer' : 'it does not pass to a buyer') : '';
  const until = state.ownership?.warrantyUntil;
  if (!until) {
    const message = terms
      ? state.ownership
        ? `The current ownership carries no warranty (terms ${terms.period} from ${terms.start}; ${transfers})`
        : `Not registered yet: the warranty of ${terms.period} runs from ${terms.start}; ${transfers}`
      : 'No warranty on record';
    return { check: pass('warranty', message, terms ? { credential: terms.credential } : {}), summary: terms ? { ...base, until: null } : null };
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysLeft = Math.round((Date.parse(`${until}T00:00:00Z`) - today) / DAY_MS);
  const active = daysLeft >= 0;
  const summary = { ...base, until, daysLeft: Math.max(daysLeft, 0), active, ...(terms ? {} : { transferable: null }) };
  const message = active ? `Warranty until ${until} (${daysLeft} days left)${transfers ? `; ${transfers}` : ''}` : `The warranty ended on ${until}`;
  return { check: pass('warranty', message, { credential: state.ownership!.credential, evidence: { until, daysLeft: Math.max(daysLeft, 0) } }), summary };
}
