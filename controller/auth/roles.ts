/** API roles, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

/**
 * viewer: read everything; operator: also start, cancel and retry processes and request
 * reconciles; admin: also manage API tokens.
 */
export type Role = (typeof ROLES)[number];

/** Whether `role` is a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether a token with role `held` may do what needs `required`. */
export function roleAllows(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}
