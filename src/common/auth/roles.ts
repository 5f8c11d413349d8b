export const ROLES = ['analyst', 'staff', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Each role includes every role before it. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}
