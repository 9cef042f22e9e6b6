// Records an issued credential: stored by id and listed under the subject its Digital Link names, in one batch.
import { InputError } from '../errors.js';
import { parseDigitalLink } from '../gs1/index.js';
import type { CredentialRepository, StoredCredential } from '../storage/credential-repository.js';
import type { SubjectRegistry } from './subjects.js';
import { typesOf, isObject, type JsonObject } from '../vc/credential.js';

export interface Recorder {
  /** Stores the credential and lists it under its subject; nothing is written if anything is wrong. */
  record(credential: StoredCredential): Promise<void>;
}

export function createRecorder(deps: { credentials: CredentialRepository; subjects: SubjectRegistry }): Recorder {
  const { credentials, subjects } = deps;
  return {
    async record(stored) {
      const vc = stored.dataIntegrity;
      const subject = vc.credentialSubject;
      if (!isObject(subject) || typeof subject.id !== 'string') {
        throw new InputError('INVALID_INPUT', 'credentialSubject.id must be the Digital Link of the unit, batch or product');
      }
      const dl = parseDigitalLink(subject.id);
      const type = typesOf(vc).find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
      const name = typeof subject.name === 'string' ? subject.name : undefined;
      await subjects.record(dl, { id: stored.id, type, name, facets: facetsOf(subject) }, [credentials.putOperation(stored)]);
    },
  };
}

/** What a passport offers to link to beyond itself. */
function facetsOf(subject: JsonObject): string[] {
  const facets: string[] = [];
  if (Array.isArray(subject.compatibleSparePart) && subject.compatibleSparePart.length) facets.push('spareParts');
  if (Array.isArray(subject.performanceClaim) && subject.performanceClaim.length) facets.push('claims');
  return facets;
}
