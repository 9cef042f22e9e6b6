// The independent verifier's shapes: the passport as verified (what role views read) and the report it returns.
import type { AuthorityLookups } from '../ledger/authority.js';
import type { Level } from '../ledger/subjects.js';
import type { UnitState } from '../ledger/unit-state.js';
import type { JsonObject } from '../vc/credential.js';
import type { Check, VerificationReport } from '../vc/report.js';
import type { CredentialReport, PresentationReport } from '../vc/verify.js';

export const VERIFIER_ROLES = ['regulator', 'buyer', 'recycler'] as const;
export type VerifierRole = (typeof VERIFIER_ROLES)[number];

/** A credential's status as its issuer's lists say (each false when the list could not be read). */
export interface CredentialStatus {
  revoked: boolean;
  suspended: boolean;
  /** A set `message` entry (a recall's state on a passport): its value and what the issuer says it means. */
  message?: { value: number; message: string };
}

/** One credential of the passport, as checked. */
export interface VerifiedCredential {
  credential: JsonObject;
  /** The chain it was served on (a GS1 element string or a party's DID), or `reference` for an authority it names. */
  chain: string;
  /** Its level when on one of the unit's chains. */
  level?: Level | 'party';
  report: CredentialReport;
  status: CredentialStatus;
  /** Whether it counts: it verified (a superseded ownership revoked by its transfer still counts as history). */
  verified: boolean;
}

/** What role views read: everything the shared checks established, nothing fetched again. */
export interface VerifiedPassport {
  /** The Digital Link asked about. */
  digitalLink: string;
  /** The unit's GS1 element string: what identifies it, whoever served it. */
  unit: string;
  /** Every credential: the unit's chain, then its batch's and its GTIN's, then the references, each in chain order. */
  credentials: VerifiedCredential[];
  /** The unit's chains by level, in chain order (credentials only). */
  chains: { item: JsonObject[]; batch: JsonObject[]; product: JsonObject[] };
  /** The unit's state folded from its chains. */
  state: UnitState;
  /** Lookups over the passport's credentials, for the authority rules of src/ledger/authority.ts. */
  lookups: AuthorityLookups;
  now: Date;
  verifyPresentation(presentation: unknown, options: { challenge?: string; domain?: string }): Promise<PresentationReport>;
}

export interface RoleOptions {
  /** Buyer: the seller's presentation of their ownership, and the challenge (and domain) the buyer gave them. */
  presentation?: unknown;
  challenge?: string;
  domain?: string;
  /** Regulator: the folder of the UNTP artefacts (`data-models/untp-dpp/artefacts/…`); absent, that check is a warning. */
  untpDir?: string;
}

/** A role's view: its own checks (joined to the report's) and a summary of what that role asks. */
export interface RoleView {
  role: VerifierRole;
  checks: Check[];
  summary: Record<string, unknown>;
}

export interface PassportReport extends VerificationReport {
  /** The Digital Link (or bundle) verified. */
  subject: string;
  /** The unit's GS1 element string. */
  unit?: string;
  /** Where the passport came from: the network, or a bundle file read offline. */
  source: 'network' | 'bundle';
  checkpoint?: { origin: string; size: number; root: string };
  credentials: { id: string; type: string; issuer: string; chain: string; verified: boolean; status: CredentialStatus }[];
  role?: VerifierRole;
  view?: RoleView['summary'];
}

