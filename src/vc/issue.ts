// Issues VC Data Model 2.0 credentials, secured either way by the same key: Data Integrity or vc+jwt.
import jsonld from 'jsonld';
import { DataModelError, InputError, isDppError, type ErrorCode } from '../errors.js';
import type { DppDidResolver } from '../did/resolver.js';
import { createDocumentLoader } from './document-loader.js';
import { checkCredentialDataModel } from './data-model.js';
import { classifyProofError, signDataIntegrity } from './data-integrity.js';
import { signVcJwt } from './jose.js';
import type { SchemaRegistry } from './schema.js';
import { controllerOf, type Signer } from './signer.js';
import { checkContexts } from './verify.js';
import { checkProductSubject } from './subject-checks.js';
import { isObject, issuerId, credentialLabel, type JsonObject } from './credential.js';

export type ProofFormat = 'data-integrity' | 'vc+jwt';
export const PROOF_FORMATS: readonly ProofFormat[] = ['data-integrity', 'vc+jwt'];

export interface IssuerOptions {
  contexts: ReadonlyMap<string, unknown>;
  resolver: Pick<DppDidResolver, 'dereference'>;
  schemas: SchemaRegistry;
  now: () => Date;
}

export interface Issuer {
  /** Data Integrity: the signed credential. vc+jwt: the compact JWS. The input is never modified. */
  issue(credential: unknown, options: { signer: Signer; format?: 'data-integrity' }): Promise<JsonObject>;
  issue(credential: unknown, options: { signer: Signer; format: 'vc+jwt' }): Promise<string>;
  issue(credential: unknown, options: { signer: Signer; format?: ProofFormat }): Promise<JsonObject | string>;
}

export function createIssuer(options: IssuerOptions): Issuer {
  if (!options?.contexts || !options.resolver || !options.schemas || typeof options.now !== 'function') {
    throw new TypeError('createIssuer: contexts, resolver, schemas and now are required');
  }
  const { contexts, schemas, now } = options;
  const documentLoader = createDocumentLoader({ contexts, dereferenceDid: options.resolver.dereference });

  async function issue(input: unknown, { signer, format = 'data-integrity' }: { signer: Signer; format?: ProofFormat }): Promise<JsonObject | string> {
    if (!isObject(input)) throw new InputError('INVALID_INPUT', 'A credential is a JSON object');
    if (!PROOF_FORMATS.includes(format)) throw new InputError('INVALID_INPUT', `Unknown proof format ${String(format)}`);
    const created = now();
    const credential = structuredClone(input);
    if (credential.validFrom === undefined) credential.validFrom = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const at = { credential: credentialLabel(credential) };

    const problems = checkCredentialDataModel(credential);
    if (problems.length) {
      throw new DataModelError('DATA_MODEL_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { evidence: { problems } });
    }
    const contextCheck = checkContexts(credential, contexts, at);
    if (contextCheck.status === 'fail') throw new DataModelError(contextCheck.code!, contextCheck.message, { evidence: contextCheck.evidence });
    const invalid = schemas.check(credential).filter((p) => p.code === 'SCHEMA_INVALID');
    if (invalid.length) throw new DataModelError('SCHEMA_INVALID', invalid.map((p) => p.message).join('; '), { evidence: { problems: invalid } });
    const inconsistent = checkProductSubject(credential);
    if (inconsistent.length) throw new DataModelError('CLAIMS_INCONSISTENT', inconsistent.map((p) => `${p.path}: ${p.message}`).join('; '), { evidence: { problems: inconsistent } });
    const issuer = issuerId(credential);
    if (issuer !== controllerOf(signer.id)) {
      throw new InputError('ISSUER_MISMATCH', `The issuer ${String(issuer)} is not the controller of key ${signer.id}`, { evidence: { issuer, key: signer.id } });
    }

    try {
      if (format === 'vc+jwt') {
        const { proof: _existing, ...unsecured } = credential;
        await jsonld.expand(unsecured, { documentLoader, safe: true });
        return await signVcJwt(credential, signer);
      }
      return await signDataIntegrity(credential, { signer, documentLoader, created });
    } catch (err) {
      if (isDppError(err)) throw err;
      const { code, message } = classifyProofError(err);
      const dataCode: ErrorCode = code === 'CONTEXT_NOT_ALLOWED' ? code : 'JSONLD_INVALID';
      throw new DataModelError(dataCode, message, { cause: err });
    }
  }

  return { issue: issue as Issuer['issue'] };
}
