/**
 * Two rules of the claim record itself: its number, and the total stored on it.
 */

/** A claim's number: BT-<region>-<year>-<serial, 6 digits> (the serial counts per region and year). */
export function claimNumber(regionCode: string, year: number, serial: number): string {
  return `BT-${regionCode}-${year}-${String(serial).padStart(6, '0')}`;
}

/**
 * The claim total stored: the sum of the lines, but never below zero (CHECK x_claim_total_nonneg).
 * A settlement whose claw-backs exceed its balances nets to 0 payable; the amount to recover is
 * kept in the computation facts (netFen, recoverFen) and in its negative CLAWBACK lines. The same
 * rule over accepted ledger lines, in bigint, is `payableOf`.
 */
export function payableFen(netFen: number): number {
  return Math.max(0, netFen);
}
