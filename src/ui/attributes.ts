/**
 * The session's "groups by" choice is an attribute name as the audit names it: one protected
 * column ('age') or an intersection of several joined with '&' ('age&marital', as
 * core/audit/inputs.ts names them). Explain and Compare need the protected attributes (with
 * their cut points) behind that name.
 */
import type { DatasetRoles, ProtectedAttribute } from '../core/roles';

/** The protected attributes behind an attribute name; the first protected attribute when unknown. */
export function attributeParts(name: string | null, roles: DatasetRoles): ProtectedAttribute[] {
  if (name) {
    const parts = name.split('&').map((c) => roles.protected.find((p) => p.column === c));
    if (parts.length > 0 && parts.every((p): p is ProtectedAttribute => p !== undefined)) return parts;
  }
  return roles.protected.slice(0, 1);
}

/** The name the audit gives the attribute made of these parts. */
export function attributeNameOf(parts: readonly ProtectedAttribute[]): string {
  return parts.map((p) => p.column).join('&');
}

/** "age × marital" for people. */
export function attributeLabel(name: string): string {
  return name.split('&').join(' × ');
}
