/**
 * Who is acting: the authenticated user, their role bindings and the request they came with.
 * Built once per request by the API (or by a processor for system work) and passed to every use case.
 */
export type Role =
  | 'SYSTEM_ADMIN'
  | 'BUREAU_OFFICER'
  | 'INSTITUTION_STAFF'
  | 'EVALUATOR'
  | 'ENTERPRISE_STAFF'
  | 'TRAINEE';

export interface ActorRole {
  role: Role;
  regionCode: string | null;
  organizationId: string | null;
  personId: string | null;
  canViewIdNumbers: boolean;
}

export interface Actor {
  userId: string;
  username: string;
  sessionId: string | null;
  roles: ActorRole[];
  requestId?: string;
  ip?: string;
}
