import type { InputProblem, UpdateContactInput } from '../gql/graphql';

/** A REQUIRED problem for each blank value (by its field name). */
export function required(values: Record<string, string>): InputProblem[] {
  return Object.entries(values)
    .filter(([, v]) => !v.trim())
    .map(([field]) => ({ field, reason: 'REQUIRED', message: '' }));
}

export interface ContactNames {
  lastName: string;
  firstName: string;
  email: string;
}

/** The edit dialog as typed. */
export interface EditContactValues extends ContactNames {
  password: string;
  code: string;
}

/** Whether the address changes (ignoring case and surrounding blanks). */
export function emailChanged(typed: string, base: string): boolean {
  return typed.trim().toLowerCase() !== base.toLowerCase();
}

/**
 * What the edit dialog checks before sending: the names and address are required; changing
 * one's own address also needs the password, and the code when the viewer has a second factor.
 */
export function editContactProblems(
  values: EditContactValues,
  base: ContactNames,
  self: boolean,
  needsCode: boolean,
): InputProblem[] {
  const askCredentials = self && emailChanged(values.email, base.email);
  const local = required({ lastName: values.lastName, firstName: values.firstName, email: values.email });
  if (askCredentials && !values.password) local.push({ field: 'currentPassword', reason: 'REQUIRED', message: '' });
  if (askCredentials && needsCode && !values.code.trim()) local.push({ field: 'code', reason: 'REQUIRED', message: '' });
  return local;
}

/** The `updateContact` input: only what changed (trimmed), with the credentials when asked. */
export function updateContactInput(
  values: EditContactValues,
  base: ContactNames & { id: string; version: number },
  self: boolean,
  needsCode: boolean,
): UpdateContactInput {
  const changed = emailChanged(values.email, base.email);
  const askCredentials = self && changed;
  return {
    id: base.id,
    version: base.version,
    ...(values.lastName.trim() !== base.lastName ? { lastName: values.lastName.trim() } : {}),
    ...(values.firstName.trim() !== base.firstName ? { firstName: values.firstName.trim() } : {}),
    ...(changed ? { email: values.email.trim() } : {}),
    ...(askCredentials ? { currentPassword: values.password, ...(needsCode ? { code: values.code.trim() } : {}) } : {}),
  };
}
