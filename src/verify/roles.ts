// The role views of the independent verifier (`dpp verify --role …`): what a regulator, a second-hand buyer
// or a recycler asks of a passport the shared checks already verified. Each returns its own checks and a summary.
import { VERIFIER_ROLES, type RoleOptions, type RoleView, type VerifiedPassport, type VerifierRole } from './types.js';
import { regulatorView } from './roles/regulator.js';
import { buyerView } from './roles/buyer.js';
import { recyclerView } from './roles/recycler.js';

const VIEWS: Readonly<Record<VerifierRole, (passport: VerifiedPassport, options: RoleOptions) => Promise<RoleView>>> = {
  regulator: regulatorView,
  buyer: buyerView,
  recycler: recyclerView,
};

/** The view of `role`; a role that is not one of VERIFIER_ROLES is a TypeError (the caller's misuse). */
export function roleView(role: VerifierRole, passport: VerifiedPassport, options: RoleOptions = {}): Promise<RoleView> {
  if (!(VERIFIER_ROLES as readonly string[]).includes(role)) throw new TypeError(`Unknown role ${JSON.stringify(role)}: one of ${VERIFIER_ROLES.join(', ')}`);
  return VIEWS[role](passport, options);
}

export { batteryCategory } from './roles/regulator.js';
