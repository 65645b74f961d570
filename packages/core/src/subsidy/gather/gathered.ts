import type { ClaimBasis, ClaimPerson, ExplanationValue, LineExplanation, SubsidyPolicy } from '@vtc/domain';

/**
 * What a gatherer hands to `fileClaim`: who claims, where, on what basis and date, and each person's
 * facts for the engine (domain `computeClaim`). One gatherer per kind of basis, in this folder.
 */

/** The records a claim line rests on (written on the line). */
export type Links = { enrollmentId: string | null; certificateId: string | null; apprenticeshipId: string | null };

export const noLinks = (): Links => ({ enrollmentId: null, certificateId: null, apprenticeshipId: null });

export interface Gathered {
  claimantId: string | null;
  claimantPersonId: string | null;
  supplementsClaimId: string | null;
  regionCode: string;
  basisRef: string;
  /** The field of the input that names the basis (for CONFLICT / errors). */
  field: string;
  basisDate: string;
  basis: ClaimBasis;
  persons: ClaimPerson[];
  /** Links written on each line, by person. */
  links: Map<string, Links>;
  /** Kind-specific facts that need the policy (OUTCOME: the checkpoint); may add claim facts. */
  complete?: (policy: SubsidyPolicy) => { facts: Record<string, ExplanationValue>; explain?: (e: LineExplanation) => LineExplanation };
}

/** Claim statuses whose lines no longer count. */
export const DEAD_CLAIM_STATUSES = ['REJECTED', 'WITHDRAWN'] as const;
