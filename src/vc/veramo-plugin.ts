// Our Veramo credential provider: VC Data Model 2.0 secured as Data Integrity (eddsa-rdfc-2022) or vc+jwt,
// so an agent issues either with `createVerifiableCredential` and verifies with `verifyCredential`.
import type {
  IAgentContext,
  IAgentPlugin,
  ICreateVerifiableCredentialArgs,
  IDIDManager,
  IIdentifier,
  IKey,
  IKeyManager,
  IPluginMethodMap,
  IVerifyCredentialArgs,
  IVerifyResult,
  VerifiableCredential,
  W3CVerifiableCredential,
} from '@veramo/core';
import type { ICredentialProvider } from '@veramo/credential-w3c';
import { DidError } from '../errors.js';
import { ed25519PublicKeyToMultibase } from '../did/multibase.js';
import type { Issuer, ProofFormat } from './issue.js';
import { PROOF_FORMATS } from './issue.js';
import type { Signer } from './signer.js';
import type { Verifier } from './verify.js';
import { isObject, issuerId, VC_V2_CONTEXT, type JsonObject } from './credential.js';
import { isCompactJws } from './jose.js';

type KeyContext = IAgentContext<IKeyManager & IDIDManager>;
const VC_V11_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/** The verification method id we publish for a Veramo Ed25519 key: `<did>#<multibase public key>`. */
export function verificationMethodId(did: string, key: Pick<IKey, 'publicKeyHex'>): string {
  return `${did}#${ed25519PublicKeyToMultibase(Buffer.from(key.publicKeyHex, 'hex'))}`;
}

/** Keys an identifier may sign new credentials with: Ed25519 and not retired. */
export function activeKeys(identifier: IIdentifier): IKey[] {
  return identifier.keys.filter((k) => k.type === 'Ed25519' && !k.meta?.retired);
}

/** A signer whose private key never leaves Veramo's key manager. */
export async function veramoSigner(context: KeyContext, did: string, keyRef?: string): Promise<Signer> {
  let identifier: IIdentifier;
  try {
    identifier = await context.agent.didManagerGet({ did });
  } catch (err) {
    throw new DidError('KEY_NOT_FOUND', `${did} is not an identifier this agent manages`, { cause: err, evidence: { did } });
  }
  const key = keyRef ? identifier.keys.find((k) => k.kid === keyRef) : activeKeys(identifier).at(-1);
  if (!key || key.type !== 'Ed25519') throw new DidError('KEY_NOT_FOUND', `${did} has no usable Ed25519 key`, { evidence: { did, keyRef } });
  return {
    id: verificationMethodId(did, key),
    algorithm: 'Ed25519',
    async sign({ data }) {
      const signature = await context.agent.keyManagerSign({ keyRef: key.kid, data: data as unknown as string, algorithm: 'EdDSA' });
      return new Uint8Array(Buffer.from(signature, 'base64url'));
    },
  };
}

export class DppCredentialProvider implements ICredentialProvider {
  constructor(private readonly deps: { issuer: Issuer; verifier: Verifier }) {}

  getProofFormatsSupportedForKey(key: IKey): ProofFormat[] {
    return key.type === 'Ed25519' ? [...PROOF_FORMATS] : [];
  }

  canIssueProofFormat({ proofFormat }: { proofFormat: string }): boolean {
    return (PROOF_FORMATS as readonly string[]).includes(proofFormat);
  }

  canVerifyDocumentType({ document }: { document: unknown }): boolean {
    if (isCompactJws(document)) return true;
    if (!isObject(document)) return false;
    const ctx = document['@context'];
    return document.type === 'EnvelopedVerifiableCredential' || (Array.isArray(ctx) ? ctx[0] : ctx) === VC_V2_CONTEXT;
  }

  async createVerifiableCredential(args: ICreateVerifiableCredentialArgs, context: IAgentContext<IPluginMethodMap>): Promise<VerifiableCredential> {
    // Veramo's CredentialPlugin writes VC 1.1 into the caller's credential before we see it: an `issuanceDate`
    // and the 1.1 context unshifted onto `@context`. VC 2.0 has neither; take both back out.
    const { issuanceDate: _v11, ...credential } = args.credential as JsonObject;
    const contexts = credential['@context'];
    if (Array.isArray(contexts) && contexts[0] === VC_V11_CONTEXT && contexts[1] === VC_V2_CONTEXT) credential['@context'] = contexts.slice(1);
    const issuer = issuerId(credential);
    // The agent this provider is installed in has a key manager and DID manager (see createDppAgent).
    const signer = await veramoSigner(context as KeyContext, String(issuer), args.keyRef);
    const format = args.proofFormat as ProofFormat;
    const secured = await this.deps.issuer.issue(credential, { signer, format });
    // A vc+jwt travels as Veramo's `VerifiableCredential` type wrapped in its envelope.
    return (typeof secured === 'string' ? { '@context': VC_V2_CONTEXT, type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${secured}` } : secured) as unknown as VerifiableCredential;
  }

  async verifyCredential(args: IVerifyCredentialArgs): Promise<IVerifyResult> {
    const report = await this.deps.verifier.verifyCredential(args.credential as W3CVerifiableCredential);
    const failed = report.checks.find((c) => c.status === 'fail');
    return {
      ...report,
      verified: report.verified,
      ...(failed ? { error: { message: failed.message, errorCode: failed.code } } : {}),
    };
  }

  async createVerifiablePresentation(): Promise<never> {
    throw new Error('not_supported: presentations are signed with signPresentation from dpp-ledger');
  }

  async verifyPresentation(): Promise<never> {
    throw new Error('not_supported: presentations are verified with verifyPresentation from dpp-ledger');
  }
}

/** Veramo's `checkCredentialStatus`, answered by our Bitstring Status List checks. */
export function statusPlugin(verifier: Verifier): IAgentPlugin {
  return {
    methods: {
      async checkCredentialStatus({ credential }: { credential: JsonObject }) {
        const checks = await verifier.checkStatus(credential);
        const revoked = checks.some((c) => c.code === 'STATUS_REVOKED' || c.code === 'STATUS_SUSPENDED');
        return { revoked, verified: !checks.some((c) => c.status === 'fail'), checks };
      },
    },
  };
}
