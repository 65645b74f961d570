import { regionScopePrefix } from '@vtc/domain';
import type { Prisma } from '@vtc/db';
import type { Actor, ActorRole } from './actor.ts';

/**
 * Row-level visibility, in one place. Every read the API serves (lists, node lookups, relations
 * that cross an organization boundary) is filtered with these Prisma `where` fragments:
 * - SYSTEM_ADMIN sees everything;
 * - BUREAU_OFFICER sees its region and every region below it;
 * - INSTITUTION_STAFF, EVALUATOR, ENTERPRISE_STAFF see their own organization and the people and
 *   records connected to it;
 * - TRAINEE sees themself and their own records.
 * A user with several bindings sees the union. No binding, or no actor, sees nothing.
 */
const NOTHING = { id: { in: [] as string[] } };

function region(role: ActorRole): { startsWith: string } | null {
  return role.regionCode ? { startsWith: regionScopePrefix(role.regionCode) } : null;
}

function anyOf<T extends object>(parts: Array<T | null>): T | { OR: T[] } | typeof NOTHING {
  const kept = parts.filter((p): p is T => p !== null);
  if (kept.length === 0) return NOTHING;
  return kept.length === 1 ? (kept[0] as T) : { OR: kept };
}

/**
 * The common frame of every scope: no actor sees nothing, an administrator everything, anyone else
 * the union of what each of their role bindings allows (`rule` returns one or more filters, or null).
 */
function scoped<W extends object>(actor: Actor | null, rule: (r: ActorRole) => W | Array<W | null> | null): W | { OR: W[] } | typeof NOTHING {
  if (!actor) return NOTHING;
  if (isAdmin(actor)) return {} as W;
  return anyOf<W>(actor.roles.flatMap((r) => rule(r)));
}

function isAdmin(actor: Actor | null): boolean {
  return !!actor?.roles.some((r) => r.role === 'SYSTEM_ADMIN');
}

export function organizationScope(actor: Actor | null): Prisma.OrganizationWhereInput {
  return scoped<Prisma.OrganizationWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { regionCode: rc } : null;
      }
      case 'INSTITUTION_STAFF':
      case 'EVALUATOR':
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { id: r.organizationId } : null;
      case 'TRAINEE':
        // A trainee sees the institutions that train them.
        return r.personId ? { classes: { some: { enrollments: { some: { personId: r.personId } } } } } : null;
      default:
        return null;
    }
  });
}

/**
 * Organizations whose registry entry (name, credit code, kind, status, region, address) the actor may
 * read: those of `organizationScope`, and the counterparties of records the actor sees (the institution
 * of a class, the evaluation body of an assessment session, the enterprise and institution of an
 * apprenticeship, the issuer of a certificate, the claimant of a claim, the enterprise of a staff
 * training batch), so a relation never shows an organization that `node(id)` hides. It grants reading
 * only: use `organizationScope` to decide who may act for, or see the money of, an organization.
 */
export function organizationReadScope(actor: Actor | null): Prisma.OrganizationWhereInput {
  if (!actor) return NOTHING;
  if (isAdmin(actor)) return {};
  return {
    OR: [
      organizationScope(actor),
      { classes: { some: classScope(actor) } },
      { assessmentSessions: { some: assessmentSessionScope(actor) } },
      { apprenticeshipsAsEmployer: { some: apprenticeshipScope(actor) } },
      { apprenticeshipsAsInstitution: { some: apprenticeshipScope(actor) } },
      { certificatesIssued: { some: certificateScope(actor) } },
      { subsidyClaims: { some: claimScope(actor) } },
      { staffTrainingBatches: { some: staffTrainingBatchScope(actor) } },
    ],
  };
}

export function classScope(actor: Actor | null): Prisma.TrainingClassWhereInput {
  return scoped<Prisma.TrainingClassWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { regionCode: rc } : null;
      }
      case 'INSTITUTION_STAFF':
        return r.organizationId ? { institutionId: r.organizationId } : null;
      case 'EVALUATOR':
        return r.organizationId ? { assessmentSessions: { some: { evaluationBodyId: r.organizationId } } } : null;
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { trainingOrder: { enterpriseId: r.organizationId } } : null;
      case 'TRAINEE':
        return r.personId ? { enrollments: { some: { personId: r.personId } } } : null;
      default:
        return null;
    }
  });
}

/** Persons (trainees): visible through the classes, assessments and apprenticeships that link them. */
export function personScope(actor: Actor | null): Prisma.PersonWhereInput {
  return scoped<Prisma.PersonWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        if (!rc) return [null];
        return [
          { enrollments: { some: { class: { regionCode: rc } } } },
          { apprenticeships: { some: { regionCode: rc } } },
          { staffTrainings: { some: { batch: { regionCode: rc } } } },
        ];
      }
      case 'INSTITUTION_STAFF':
        if (!r.organizationId) return [null];
        return [
          { enrollments: { some: { class: { institutionId: r.organizationId } } } },
          { apprenticeships: { some: { institutionId: r.organizationId } } },
        ];
      case 'EVALUATOR':
        return r.organizationId
          ? [{ assessmentResults: { some: { session: { evaluationBodyId: r.organizationId } } } }]
          : [null];
      case 'ENTERPRISE_STAFF':
        if (!r.organizationId) return [null];
        return [
          { apprenticeships: { some: { enterpriseId: r.organizationId } } },
          { employmentRecords: { some: { employerId: r.organizationId } } },
          { staffTrainings: { some: { batch: { enterpriseId: r.organizationId } } } },
          // An employer that evaluates its own staff (self-evaluation) sees the candidates of its sessions.
          { assessmentResults: { some: { session: { evaluationBodyId: r.organizationId } } } },
        ];
      case 'TRAINEE':
        return r.personId ? [{ id: r.personId }] : [null];
      default:
        return [null];
    }
  });
}

/**
 * Enrollments: visible when their class is and, being a person's record, when the person is too.
 * A trainee sees only their own. An institution or a bureau sees every person of the classes it
 * sees (personScope says so), so for them the class decides. An evaluator sees the classes it
 * assesses but only the enrollments of its own candidates; an enterprise the classes it ordered
 * but only the enrollments of persons it works with (apprentices, hires, staff): the other
 * trainees of those classes are not theirs to see.
 */
export function enrollmentScope(actor: Actor | null): Prisma.EnrollmentWhereInput {
  return scoped<Prisma.EnrollmentWhereInput>(actor, (r) => {
    if (r.role === 'TRAINEE') return r.personId ? { personId: r.personId } : null;
    const only = { ...(actor as Actor), roles: [r] };
    if (r.role === 'EVALUATOR' || r.role === 'ENTERPRISE_STAFF') return { class: classScope(only), person: personScope(only) };
    return { class: classScope(only) };
  });
}

/** May the actor read full ID numbers of persons it can see? (Each such read is audited.) */
export function canViewIdNumbers(actor: Actor | null): boolean {
  if (!actor) return false;
  return actor.roles.some((r) => r.role === 'SYSTEM_ADMIN' || (r.role === 'BUREAU_OFFICER' && r.canViewIdNumbers));
}

export function hasRole(actor: Actor | null, ...roles: ActorRole['role'][]): boolean {
  return !!actor?.roles.some((r) => roles.includes(r.role));
}

/**
 * Certificates: a trainee sees their own; an institution those earned in its classes; an evaluation
 * body those it issued; an enterprise those it issued as a self-evaluating employer; a bureau those
 * issued in its region or earned by people trained there.
 */
export function certificateScope(actor: Actor | null): Prisma.CertificateWhereInput {
  return scoped<Prisma.CertificateWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        if (!rc) return [null];
        return [{ issuer: { regionCode: rc } }, { enrollment: { class: { regionCode: rc } } }];
      }
      case 'INSTITUTION_STAFF':
        return r.organizationId ? [{ enrollment: { class: { institutionId: r.organizationId } } }] : [null];
      case 'EVALUATOR':
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? [{ issuerId: r.organizationId }] : [null];
      case 'TRAINEE':
        return r.personId ? [{ personId: r.personId }] : [null];
      default:
        return [null];
    }
  });
}

/** Assessment sessions: the evaluation body's own; a bureau's region; an institution's classes. */
export function assessmentSessionScope(actor: Actor | null): Prisma.AssessmentSessionWhereInput {
  return scoped<Prisma.AssessmentSessionWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { regionCode: rc } : null;
      }
      case 'EVALUATOR':
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { evaluationBodyId: r.organizationId } : null;
      case 'INSTITUTION_STAFF':
        return r.organizationId ? { class: { institutionId: r.organizationId } } : null;
      default:
        return null;
    }
  });
}

/** Subsidy claims: the claimant organization's staff; the person claiming for themself; a bureau whose region covers the claim; an admin. */
export function claimScope(actor: Actor | null): Prisma.SubsidyClaimWhereInput {
  return scoped<Prisma.SubsidyClaimWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { regionCode: rc } : null;
      }
      case 'INSTITUTION_STAFF':
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { claimantId: r.organizationId } : null;
      case 'TRAINEE':
        // A person who claims for themself (SKILL_UPGRADE) sees their own claims.
        return r.personId ? { claimantPersonId: r.personId } : null;
      default:
        return null;
    }
  });
}

/** Enterprise staff-training batches: the enterprise's own; a bureau's region and below; a participant their batches. */
export function staffTrainingBatchScope(actor: Actor | null): Prisma.StaffTrainingBatchWhereInput {
  return scoped<Prisma.StaffTrainingBatchWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { regionCode: rc } : null;
      }
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { enterpriseId: r.organizationId } : null;
      case 'TRAINEE':
        return r.personId ? { participants: { some: { personId: r.personId } } } : null;
      default:
        return null;
    }
  });
}

/** Apprenticeships: the enterprise's and the training institution's own; a bureau's region and below; the apprentice their own. */
export function apprenticeshipScope(actor: Actor | null): Prisma.ApprenticeshipWhereInput {
  return scoped<Prisma.ApprenticeshipWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { regionCode: rc } : null;
      }
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { enterpriseId: r.organizationId } : null;
      case 'INSTITUTION_STAFF':
        return r.organizationId ? { institutionId: r.organizationId } : null;
      case 'TRAINEE':
        return r.personId ? { personId: r.personId } : null;
      default:
        return null;
    }
  });
}

/**
 * Employment evidence (EmploymentRecord): the person's own; the employer it names (enterprise staff,
 * by the linked organization); the institution that trained the person in the linked enrollment; a
 * bureau whose region covers that class.
 */
export function employmentRecordScope(actor: Actor | null): Prisma.EmploymentRecordWhereInput {
  return scoped<Prisma.EmploymentRecordWhereInput>(actor, (r) => {
    switch (r.role) {
      case 'BUREAU_OFFICER': {
        const rc = region(r);
        return rc ? { enrollment: { class: { regionCode: rc } } } : null;
      }
      case 'ENTERPRISE_STAFF':
        return r.organizationId ? { employerId: r.organizationId } : null;
      case 'INSTITUTION_STAFF':
        return r.organizationId ? { enrollment: { class: { institutionId: r.organizationId } } } : null;
      case 'TRAINEE':
        return r.personId ? { personId: r.personId } : null;
      default:
        return null;
    }
  });
}

/** Social-insurance contribution imports: the bureau of the import's region or above; an admin all. */
export function contributionImportScope(actor: Actor | null): Prisma.ContributionImportWhereInput {
  return scoped<Prisma.ContributionImportWhereInput>(actor, (r) => {
    if (r.role !== 'BUREAU_OFFICER') return null;
    const rc = region(r);
    return rc ? { regionCode: rc } : null;
  });
}

/** Payment batches: a bureau whose region covers the batch's region; an admin all. */
export function paymentBatchScope(actor: Actor | null): Prisma.PaymentBatchWhereInput {
  return scoped<Prisma.PaymentBatchWhereInput>(actor, (r) => {
    if (r.role !== 'BUREAU_OFFICER') return null;
    const rc = region(r);
    return rc ? { regionCode: rc } : null;
  });
}
