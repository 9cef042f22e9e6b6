// `dpp <role> <action> …`: each role's agent, from a wallet folder, against a server's signed write API.
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import type { JsonObject } from '../vc/credential.js';
import { usage } from './usage.js';
import { readCredentialFile } from './verify.js';
import { readTrustFile } from './trust.js';
import { humanPassportReport, untpDir } from './verify.js';
import { networkFetch } from './network.js';
import { fileCheckpointStore } from '../storage/seen-checkpoints.js';
import { initWallet, openWallet, ROLES, type Role, type Wallet } from '../../agents/wallet.js';
import { createRegistrar } from '../../agents/registrar.js';
import { createManufacturer, type RecallScope, type WarrantyTerms } from '../../agents/manufacturer.js';
import { bulkMint, readUnitsFile, type MintProgress } from '../../agents/bulk-mint.js';
import { createRepairer, type RepairRecord } from '../../agents/repairer.js';
import { createOwner } from '../../agents/owner.js';
import { createReseller } from '../../agents/reseller.js';
import { createRecycler } from '../../agents/recycler.js';
import { createRegulator } from '../../agents/regulator.js';

export type RoleOptions = Record<string, string | boolean | string[] | undefined>;

/** The actions of each role, as the help lists them. */
export const ROLE_ACTIONS: Record<Role, string[]> = {
  registrar: ['init', 'whoami', 'license'],
  manufacturer: ['init', 'whoami', 'gtin', 'mint', 'compose', 'warranty', 'accredit', 'recall', 'remedy'],
  repairer: ['init', 'whoami', 'repair'],
  owner: ['init', 'whoami', 'register', 'authorize', 'accept', 'transfer', 'report', 'contact', 'prove'],
  reseller: ['init', 'whoami', 'register', 'authorize', 'accept', 'transfer', 'report', 'contact', 'prove', 'check'],
  recycler: ['init', 'whoami', 'gtin', 'retire', 'repurpose'],
  regulator: ['init', 'whoami', 'inspect'],
};

export function isRole(value: string | undefined): value is Role {
  return (ROLES as readonly string[]).includes(value ?? '');
}

export async function roleCommand(role: Role, action: string | undefined, options: RoleOptions, out: (line: string) => void, err: (text: string) => void = (t) => void process.stderr.write(t)): Promise<number> {
  if (!action || !ROLE_ACTIONS[role].includes(action)) throw usage(`dpp ${role} takes one of: ${ROLE_ACTIONS[role].join(', ')}`);
  const text = (name: string): string => {
    const value = options[name];
    if (typeof value !== 'string' || value === '') throw usage(`dpp ${role} ${action} needs --${name}`);
    return value;
  };
  const optional = (name: string): string | undefined => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  const wallet = typeof options.wallet === 'string' ? options.wallet : undefined;
  if (!wallet) throw usage(`dpp ${role} ${action} needs --wallet DIR (the role's keys and settings)`);
  const print = (value: unknown, human: string) => out(options.json ? JSON.stringify(value, null, 2) : human);

  if (action === 'init') {
    const opened = await initWallet(wallet, { role, server: text('server'), name: optional('name'), operatorToken: optional('token') });
    await opened.close();
    print(opened.config, opened.config.did);
    return 0;
  }
  const opened: Wallet = await openWallet(wallet);
  try {
    if (opened.config.role !== role) throw usage(`${wallet} is a ${opened.config.role}'s wallet, not a ${role}'s`);
    const { actor } = opened;
    if (action === 'whoami') {
      print(opened.config, actor.did);
      return 0;
    }
    switch (role) {
      case 'registrar': {
        const licence = await createRegistrar(actor).license(text('to'), text('prefix'), { name: text('org') }, optional('valid-until'));
        print(licence.dataIntegrity, licence.id);
        return 0;
      }
      case 'manufacturer':
        return await manufacturerAction(createManufacturer(actor), action, { text, optional, options, print, err });
      case 'repairer': {
        const parts = ([] as string[]).concat((options.part as string[] | undefined) ?? []).map((p) => {
          const [gtin, itemNumber, ...name] = p.split(':');
          return { gtin: gtin!, ...(itemNumber ? { itemNumber } : {}), ...(name.length ? { name: name.join(':') } : {}) };
        });
        const firmware = optional('firmware');
        const record: RepairRecord = {
          serviceDate: optional('date') ?? new Date().toISOString().slice(0, 10),
          fault: text('fault'),
          workDone: text('work'),
          ...(parts.length ? { partReplaced: parts } : {}),
          firmwareUpdated: firmware !== undefined,
          ...(firmware ? { firmwareVersion: firmware } : {}),
          ...(optional('accreditation') ? { accreditation: optional('accreditation') } : {}),
          ...(optional('remedies') ? { remediesRecall: optional('remedies') } : {}),
        };
        const secured = await createRepairer(actor).repair(text('unit'), record);
        print(secured.dataIntegrity, secured.id);
        return 0;
      }
      case 'owner':
      case 'reseller': {
        const owner = role === 'reseller' ? createReseller(actor) : createOwner(actor);
        const contact = optional('email') || optional('phone') ? { ...(optional('email') ? { email: optional('email') } : {}), ...(optional('phone') ? { phone: optional('phone') } : {}) } : undefined;
        switch (action) {
          case 'register': {
            const { ownership } = await owner.register(text('unit'), contact);
            print(ownership, String(ownership.id));
            return 0;
          }
          case 'authorize': {
            const authorization = await owner.authorizeTransfer(text('unit'), text('buyer'));
            if (optional('out')) writeFileSync(optional('out')!, JSON.stringify(authorization, null, 2) + '\n');
            else out(JSON.stringify(authorization, null, 2));
            return 0;
          }
          case 'accept':
          case 'transfer': {
            const result = action === 'accept' ? await owner.completeTransfer(readCredentialFile(text('authorization')) as JsonObject, contact) : await owner.transfer(text('unit'), text('buyer'));
            print(result, `${String(result.transfer.id)} → ${String((result.ownership.credentialSubject as JsonObject).owner)}`);
            return 0;
          }
          case 'report': {
            const state = text('state');
            if (!['stolen', 'lost', 'found'].includes(state)) throw usage('--state is stolen, lost or found');
            const result = await owner.report(text('unit'), state as 'stolen' | 'lost' | 'found');
            print(result, result.suspended ? 'reported: the ownership is suspended' : 'found: the ownership is active again');
            return 0;
          }
          case 'contact': {
            if (options.delete) {
              await owner.forgetContact(text('unit'));
              print({ deleted: true }, 'contact details deleted');
            } else {
              const contact = await owner.contact(text('unit'));
              print(contact, JSON.stringify(contact));
            }
            return 0;
          }
          case 'prove': {
            out(JSON.stringify(await owner.proveOwnership(text('unit'), text('challenge'), optional('domain')), null, 2));
            return 0;
          }
          case 'check': {
            const result = await createReseller(actor).checkSeller(text('unit'), readCredentialFile(text('presentation')) as JsonObject, text('challenge'));
            print(result, result.ok ? `✓ ${result.seller} is the current owner` : `✗ ${result.reason}`);
            return result.ok ? 0 : 1;
          }
        }
        break;
      }
      case 'recycler': {
        const recycler = createRecycler(actor);
        // A remanufacturer speaks for the GTIN of what it makes, like any manufacturer.
        if (action === 'gtin') return await manufacturerAction(createManufacturer(actor), action, { text, optional, options, print, err });
        if (action === 'retire') {
          const state = text('state');
          if (state !== 'recycled' && state !== 'dismantled') throw usage('--state is recycled or dismantled (repurpose mints a successor)');
          const secured = await recycler.endOfLife(text('unit'), state);
          print(secured.dataIntegrity, secured.id);
        } else {
          const passport = JSON.parse(readFileSync(text('passport'), 'utf8')) as JsonObject;
          const result = await recycler.repurpose(text('unit'), { digitalLink: text('successor'), passport });
          print(result, `${result.endOfLife.id} → ${text('successor')}`);
        }
        return 0;
      }
      case 'regulator': {
        const trusted = optional('trust') ? readTrustFile(optional('trust')!) : [];
        const regulator = createRegulator(actor, { fetch: networkFetch(), checkpoints: fileCheckpointStore(join(wallet, 'checkpoints')), untpDir: untpDir() });
        const inspection = await regulator.inspect(text('unit'), trusted);
        print(inspection, humanPassportReport(inspection));
        return inspection.verified ? 0 : 1;
      }
    }
    throw usage(`Unknown: dpp ${role} ${action}`);
  } finally {
    await opened.close();
  }
}

interface ActionTools {
  text(name: string): string;
  optional(name: string): string | undefined;
  options: RoleOptions;
  print(value: unknown, human: string): void;
  err(text: string): void;
}

async function manufacturerAction(manufacturer: ReturnType<typeof createManufacturer>, action: string, tools: ActionTools): Promise<number> {
  const { text, optional, options, print } = tools;
  const warranty = (): WarrantyTerms | undefined =>
    optional('warranty-period')
      ? {
          warrantyPeriod: text('warranty-period'),
          warrantyStart: (optional('warranty-start') ?? 'registration') as WarrantyTerms['warrantyStart'],
          transferable: options.transferable === true,
          warrantyTerms: optional('warranty-terms') ?? `Warranty for ${text('warranty-period')} from ${optional('warranty-start') ?? 'registration'}`,
        }
      : undefined;
  switch (action) {
    case 'gtin': {
      const key = await manufacturer.registerGtin(text('gtin'), text('licence'));
      print(key.dataIntegrity, key.id);
      return 0;
    }
    case 'mint': {
      if (optional('from')) {
        const specs = readUnitsFile(text('from'), warranty());
        const batchSize = optional('batch-size') === undefined ? undefined : Number(optional('batch-size'));
        if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 300)) throw usage('--batch-size is 1..300 units per request');
        const summary = await bulkMint(manufacturer, specs, { batchSize, onProgress: (p) => tools.err(progressLine(p)) });
        tools.err('\n');
        print(summary, `minted ${summary.minted}, skipped ${summary.skipped} (already minted), failed ${summary.failed} of ${summary.total} in ${summary.seconds.toFixed(1)} s (${summary.rate.toFixed(1)} units/s)${summary.failures.map((f) => `\n  ✗ ${f.unit}: [${f.code}] ${f.message}`).join('')}`);
        return summary.failed ? 1 : 0;
      }
      const passport = optional('passport') ? (JSON.parse(readFileSync(text('passport'), 'utf8')) as JsonObject) : {};
      const items = await manufacturer.mint({ digitalLink: text('unit'), passport, warranty: warranty() });
      print(items.map((i) => i.dataIntegrity), items.map((i) => i.id).join('\n'));
      return 0;
    }
    case 'compose': {
      const secured = await manufacturer.compose(text('unit'), JSON.parse(readFileSync(text('file'), 'utf8')) as JsonObject);
      print(secured.dataIntegrity, secured.id);
      return 0;
    }
    case 'warranty': {
      const terms = warranty();
      if (!terms) throw usage('dpp manufacturer warranty needs --warranty-period (e.g. P2Y)');
      const secured = await manufacturer.warranty(text('unit'), terms);
      print(secured.dataIntegrity, secured.id);
      return 0;
    }
    case 'accredit': {
      const secured = await manufacturer.accredit(text('repairer'), text('name'), text('gtin').split(','), optional('valid-until'));
      print(secured.dataIntegrity, secured.id);
      return 0;
    }
    case 'recall': {
      const scope: RecallScope = optional('batch')
        ? { batch: text('batch') }
        : optional('serials')
          ? { gtin: text('gtin'), itemNumbers: text('serials').split(',') }
          : { gtin: text('gtin'), firstItemNumber: text('first'), lastItemNumber: text('last') };
      const result = await manufacturer.recall(scope, { reason: text('reason'), remedy: text('remedy'), ...(optional('hazard') ? { hazard: optional('hazard') } : {}), ...(optional('number') ? { recallNumber: optional('number') } : {}) });
      print({ notice: result.notice.id, units: result.units }, `${result.notice.id}: ${result.units.length} unit(s) recalled`);
      return 0;
    }
    case 'remedy': {
      await manufacturer.remedy(text('unit'));
      print({ remedied: text('unit') }, `recall remedied for ${text('unit')}`);
      return 0;
    }
  }
  throw usage(`Unknown: dpp manufacturer ${action}`);
}

/** One progress line, redrawn in place: a bar, units/s and the time left. */
export function progressLine(p: MintProgress): string {
  const width = 30;
  const filled = p.total ? Math.round((p.done / p.total) * width) : width;
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}  ${p.rate.toFixed(1)} units/s  ETA ${Math.ceil(p.eta)} s  (minted ${p.minted}, skipped ${p.skipped}, failed ${p.failed})`;
}
