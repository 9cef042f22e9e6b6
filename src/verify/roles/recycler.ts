// The recycler's view: the signed material composition (each material, mass, fraction, recycled content),
// hazardous substances and where they sit, critical raw materials, how to take it apart, its end-of-life
// state, and who signed each. Only credentials that verified count.
import { asArray, isObject, subjectOf, type JsonObject } from '../../vc/credential.js';
import { fail, pass, warn, type Check } from '../../vc/report.js';
import type { RoleOptions, RoleView, VerifiedPassport } from '../types.js';
import { credentialIndex, label, mostSpecific, signedBy } from './common.js';

export async function recyclerView(passport: VerifiedPassport, _options: RoleOptions): Promise<RoleView> {
  const index = credentialIndex(passport);
  const checks: Check[] = [];
  const notCounted = index.notCounted();
  const summary: Record<string, unknown> = { notCounted };

  const composition = mostSpecific(passport, 'MaterialCompositionCredential');
  if (!composition) {
    const unverified = notCounted.filter((c) => c.type === 'MaterialCompositionCredential');
    checks.push(
      fail('composition', 'PASSPORT_INCOMPLETE', unverified.length ? `No material composition verified (${unverified.length} served did not verify)` : 'The passport has no material composition (MaterialCompositionCredential)', {
        evidence: { notCounted: unverified },
      }),
    );
    summary.composition = null;
  } else {
    const source = { ...signedBy(composition), ...(composition.level ? { level: composition.level } : {}) };
    const subject = subjectOf(composition.credential);
    const materials = asArray(subject.materialProvenance as unknown).filter(isObject);
    const steps = disassemblySteps(subject.disassemblyInstructions);
    summary.composition = { ...source, materials: materials.map(materialOf) };
    checks.push(pass('composition', `${materials.length} materials, signed by ${source.issuer}${composition.level && composition.level !== 'item' ? ` for the unit's ${composition.level === 'batch' ? 'batch' : 'GTIN'}` : ''}`, { credential: source.credential, evidence: source }));

    // Hazardous substances: which, where (the component that holds them, the disassembly steps that reach it), how to handle them.
    const hazardous: Record<string, unknown>[] = materials.filter((m) => m.hazardous === true).map((m) => ({ ...materialOf(m), disassemblyStep: steps.filter((s) => sameComponent(s.component, m.component)).map((s) => s.position) }));
    summary.hazardous = hazardous.map((h) => ({ ...h, ...source }));
    const unlocated = hazardous.filter((h) => !h.component).map((h) => h.name);
    const unsafe = hazardous.filter((h) => !h.materialSafetyInformation).map((h) => h.name);
    if (unlocated.length || unsafe.length) {
      const parts = [...(unlocated.length ? [`where it sits (component) for ${unlocated.join(', ')}`] : []), ...(unsafe.length ? [`safety information for ${unsafe.join(', ')}`] : [])];
      checks.push(warn('hazardous', 'PASSPORT_INCOMPLETE', `Hazardous substances without ${parts.join('; and ')}`, { credential: source.credential, evidence: { unlocated, withoutSafetyInformation: unsafe } }));
    } else {
      checks.push(pass('hazardous', hazardous.length ? `${hazardous.length} hazardous substances, each located: ${hazardous.map((h) => `${String(h.name)} in ${String((h.component as JsonObject).name)}`).join('; ')}` : 'No hazardous substances declared', { credential: source.credential }));
    }
    summary.criticalRawMaterials = materials.filter((m) => m.criticalRawMaterial === true).map((m) => ({ ...materialOf(m), ...source }));

    const instructions = isObject(subject.disassemblyInstructions) ? subject.disassemblyInstructions : undefined;
    if (instructions) {
      const documents = asArray(instructions.relatedDocument as unknown).filter(isObject);
      summary.disassembly = { ...source, documents, steps };
      checks.push(pass('disassembly', `Disassembly instructions: ${steps.length} steps, ${documents.length} documents`, { credential: source.credential }));
    } else {
      summary.disassembly = null;
      checks.push(warn('disassembly', 'PASSPORT_INCOMPLETE', 'The composition gives no disassembly instructions', { credential: source.credential }));
    }
  }

  const end = passport.state.endOfLife && index.counted(passport.state.endOfLife);
  if (end) {
    const subject = subjectOf(end.credential);
    summary.endOfLife = {
      ...signedBy(end),
      state: subject.endOfLifeState,
      date: subject.endOfLifeDate,
      ...(typeof subject.successor === 'string' ? { successor: subject.successor } : {}),
      recoveredMaterial: asArray(subject.recoveredMaterial as unknown).filter(isObject),
      ...(isObject(subject.facility) ? { facility: subject.facility } : {}),
    };
    checks.push(pass('end-of-life', `At end of life: ${String(subject.endOfLifeState)} on ${String(subject.endOfLifeDate)}, signed by ${signedBy(end).issuer}`, { credential: label(end.credential) }));
  } else {
    summary.endOfLife = null;
    checks.push(pass('end-of-life', 'Not at end of life: no end-of-life credential', passport.state.endOfLife ? { evidence: { notCounted: label(passport.state.endOfLife) } } : {}));
  }
  return { role: 'recycler', checks, summary };
}

function materialOf(m: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = { name: m.name };
  for (const key of ['casNumber', 'mass', 'massFraction', 'recycledMassFraction', 'hazardous', 'criticalRawMaterial', 'originCountry', 'component', 'materialSafetyInformation']) {
    if (m[key] !== undefined) out[key] = m[key];
  }
  return out;
}

function disassemblySteps(instructions: unknown): { position: number; description: string; component?: JsonObject; tool?: string[] }[] {
  if (!isObject(instructions)) return [];
  return asArray(instructions.disassemblyStep as unknown)
    .filter(isObject)
    .map((s) => ({ position: Number(s.position), description: String(s.description), ...(isObject(s.component) ? { component: s.component } : {}), ...(Array.isArray(s.tool) ? { tool: s.tool as string[] } : {}) }))
    .sort((a, b) => a.position - b.position);
}

/** Components are the same when they share a GTIN, else an id, else a name. */
function sameComponent(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  for (const key of ['gtin', 'id']) if (typeof a[key] === 'string' && typeof b[key] === 'string') return a[key] === b[key];
  return typeof a.name === 'string' && a.name === b.name;
}
