// The public entry point of dpp-ledger: named exports only; everything else is internal.

export { DppError, InputError, DataModelError, DidError, AuthError, NotFoundError, isDppError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';

export { createDidResolver } from './did/resolver.js';
export type { DppDidResolver, DidResolverOptions } from './did/resolver.js';
export { didKeyFromPublicKey, didKeyVerificationMethod, resolveDidKey } from './did/did-key.js';
export { didWebToUrl, didWebFromOrigin, buildDidWebDocument } from './did/did-web.js';
export type { FetchLike, PublishedKey } from './did/did-web.js';
export type { DidDocument, VerificationMethod } from './did/did-document.js';
export { ed25519FromSeed } from './did/ed25519.js';

export {
  parseDigitalLink,
  formatDigitalLink,
  canonicalDigitalLink,
  digitalLinkPath,
  toElementString,
  fromElementString,
  decompressDigitalLink,
  compressDigitalLink,
  checkDigit,
  isValidCheckDigit,
  PRIMARY_KEYS,
  aiInfo,
  CANONICAL_STEM,
} from './gs1/index.js';
export type { AiValue, DigitalLink, AiInfo } from './gs1/index.js';
export { qrCode } from './gs1/qr-code.js';
export type { QrFormat } from './gs1/qr-code.js';

export { createDocumentLoader, loadBundledContexts } from './vc/document-loader.js';
export type { DocumentLoader } from './vc/document-loader.js';
export { createCredentialServices } from './vc/services.js';
export type { CredentialServices } from './vc/services.js';
export { createIssuer, PROOF_FORMATS } from './vc/issue.js';
export type { Issuer, ProofFormat } from './vc/issue.js';
export { createVerifier } from './vc/verify.js';
export type { Verifier, CredentialReport, PresentationReport } from './vc/verify.js';
export type { Check, CheckStatus, VerificationReport } from './vc/report.js';
export { signPresentationDataIntegrity } from './vc/data-integrity.js';
export { signerFromSeed } from './vc/signer.js';
export type { Signer } from './vc/signer.js';
export { loadBundledSchemas } from './vc/schema.js';
export type { SchemaRegistry } from './vc/schema.js';
export { checkCredentialDataModel, checkPresentationDataModel } from './vc/data-model.js';
export { createBitstring, getBit, setBit, encodeBitstring, decodeBitstring, statusListCredential, statusEntry } from './vc/status-list.js';
export type { StatusPurpose } from './vc/status-list.js';
export { createDppAgent, ensureDidWeb, rotateKey, didDocumentOf } from './vc/agent.js';
export type { DppAgent } from './vc/agent.js';
export { DppCredentialProvider, veramoSigner } from './vc/veramo-plugin.js';
export { signRequest, verifyRequestSignature, requestBodyDigest, createNonceStore, createChallengeStore, REQUEST_SIGNATURE_HEADER, REQUEST_JWS_TYPE } from './vc/request-signature.js';
export type { SignRequestInput, VerifyRequestOptions, RequestActor, RequestSignaturePayload, NonceStore, ChallengeStore } from './vc/request-signature.js';
export { createSignedFetch } from './client/signed-fetch.js';
export type { SignedFetch, SignedFetchOptions, SignedRequestInit } from './client/signed-fetch.js';

export {
  createMerkleLog,
  leafHash,
  verifyInclusion,
  verifyConsistency,
  formatCheckpoint,
  parseCheckpoint,
  verifyCheckpoint,
  signNote,
  cosignNote,
  formatVerifierKey,
  parseVerifierKey,
} from './log/index.js';
export type { MerkleLog, NoteSigner, NoteVerifier, ParsedCheckpoint } from './log/index.js';
export { createLedger, logEntry } from './ledger/ledger.js';
export type { Ledger, ChainHead, ChainEvent, Acknowledgement } from './ledger/ledger.js';
export { buildBundle, BUNDLE_TYPE } from './ledger/bundle.js';
export type { PassportBundle } from './ledger/bundle.js';
export { digestMultibase, canonicalJson } from './vc/jcs.js';
export { issuerId, typesOf } from './vc/credential.js';
export { checkProductSubject, isValidCasNumber } from './vc/subject-checks.js';

export type { Store, BatchOperation } from './storage/store.js';
export { createMemoryStore } from './storage/memory-store.js';
export { openLevelStore } from './storage/level-store.js';

export { createApp } from './http/app.js';
export type { AppDeps } from './http/app.js';
export { createMirrorApp } from './http/mirror-app.js';
export type { MirrorAppDeps } from './http/mirror-app.js';
export type { LogInfo } from './http/log-routes.js';

// The product's life: policy, authority, unit state, the registry's helpers; the network as the CLI reaches it.
export { POLICY, checkPolicy } from './ledger/policy.js';
export type { PolicyRule, PolicyContext } from './ledger/policy.js';
export { gtinAuthority, keyCredentialProblem, prefixCovers, LICENCE_TYPE } from './ledger/authority.js';
export type { AuthorityLookups, AuthorityResult } from './ledger/authority.js';
export { unitState, recallCovers, serialInRange, addPeriod } from './ledger/unit-state.js';
export type { UnitState, UnitChains, Ownership, Warranty } from './ledger/unit-state.js';
export { networkFetch, fetchStatusListWith } from './cli/network.js';
export { loadSecret } from './cli/node.js';
export { prefixedStore } from './storage/prefixed-store.js';

// Bitstring Status Lists: multi-bit entries, lists per issuer (own ones signed on demand, others uploaded), and their routes.
export { getStatus, setStatus, statusHex, MIN_STATUS_LIST_BITS, MAX_STATUS_SIZE, STATUS_PURPOSES } from './vc/status-list.js';
export { createStatusLists, issuerKey, RECALL_STATUS, RECALL_STATUS_MESSAGES, STATUS_SIZES, MAX_ALLOCATION, MAX_LIST_VALIDITY_MS } from './ledger/status-lists.js';
export type { StatusLists, StatusListsDeps, StatusListInfo } from './ledger/status-lists.js';
export { statusRoutes } from './http/status-routes.js';
export type { StatusRoutesDeps } from './http/status-routes.js';

// The independent verifier: a whole passport from its Digital Link or a bundle, to a report; role views.
export { verifyPassport } from './verify/passport.js';
export type { PassportVerifierDeps, PassportInput, PassportVerifyOptions } from './verify/passport.js';
export { memoryCheckpointStore } from './verify/checkpoints.js';
export type { CheckpointStore, SeenCheckpoint } from './verify/checkpoints.js';
export { fileCheckpointStore, storeCheckpointStore } from './storage/seen-checkpoints.js';
export { VERIFIER_ROLES } from './verify/types.js';
export type { PassportReport, VerifiedPassport, VerifiedCredential, VerifierRole, RoleView, RoleOptions } from './verify/types.js';
