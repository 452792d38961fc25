import type { TFunction } from 'i18next';
import { graphql } from '../gql';
import type { ContactProblemCode, SupportRole } from '../gql/graphql';

export const ContactAdminDocument = graphql(`
  query ContactAdmin($first: Int!, $after: String, $filter: ContactFilterInput, $orderBy: ContactOrderInput) {
    viewer {
      contact {
        id
        company {
          id
          humanId
          name
          requireTwoFactor
          contacts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
            totalCount
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              node {
                ...AdminContact
              }
            }
          }
        }
      }
    }
  }
`);

export const AdminContactFragment = graphql(`
  fragment AdminContact on Contact {
    id
    firstName
    lastName
    email
    supportRole
    securityAdministrator
    status
    version
    createdAt
  }
`);

export const StagedRoleChangesDocument = graphql(`
  query StagedRoleChanges {
    stagedRoleChanges {
      ...StagedChange
    }
  }
`);

export const StagedChangeFragment = graphql(`
  fragment StagedChange on StagedRoleChange {
    contact {
      id
      firstName
      lastName
      email
    }
    from {
      supportRole
      securityAdministrator
    }
    to {
      supportRole
      securityAdministrator
    }
    contactVersion
    stagedAt
  }
`);

export const ContactByIdDocument = graphql(`
  query ContactById($id: ID!) {
    node(id: $id) {
      ... on Contact {
        ...AdminContact
      }
    }
  }
`);

export const AddContactDocument = graphql(`
  mutation AddContact($input: AddContactInput!) {
    addContact(input: $input) {
      contact {
        ...AdminContact
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);

export const UpdateContactDocument = graphql(`
  mutation UpdateContact($input: UpdateContactInput!) {
    updateContact(input: $input) {
      contact {
        ...AdminContact
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);

export const StageRoleChangeDocument = graphql(`
  mutation StageRoleChange($input: StageRoleChangeInput!) {
    stageRoleChange(input: $input) {
      stagedChanges {
        ...StagedChange
      }
    }
  }
`);

export const DiscardRoleChangesDocument = graphql(`
  mutation DiscardRoleChanges($input: DiscardRoleChangesInput!) {
    discardRoleChanges(input: $input) {
      stagedChanges {
        ...StagedChange
      }
    }
  }
`);

export const ApplyRoleChangesDocument = graphql(`
  mutation ApplyRoleChanges {
    applyRoleChanges {
      applied {
        contact {
          ...AdminContact
        }
      }
      problems {
        ...ContactProblemFields
      }
    }
  }
`);

export const ContactProblemFragment = graphql(`
  fragment ContactProblemFields on ContactProblem {
    contactId
    code
    message
    roles {
      supportRole
      securityAdministrator
    }
  }
`);

export const MarkContactObsoleteDocument = graphql(`
  mutation MarkContactObsolete($input: ContactStatusInput!) {
    markContactObsolete(input: $input) {
      contact {
        ...AdminContact
      }
      problems {
        ...ContactProblemFields
      }
    }
  }
`);

export const ReactivateContactDocument = graphql(`
  mutation ReactivateContact($input: ContactStatusInput!) {
    reactivateContact(input: $input) {
      contact {
        ...AdminContact
      }
      problems {
        ...ContactProblemFields
      }
    }
  }
`);

export const SetSecurityPolicyDocument = graphql(`
  mutation SetSecurityPolicy($input: SetSecurityPolicyInput!) {
    setCompanySecurityPolicy(input: $input) {
      company {
        id
        requireTwoFactor
      }
    }
  }
`);

export const SUPPORT_ROLES: SupportRole[] = ['SUPPORT_RESTRICTED', 'SUPPORT_ADVANCED', 'SUPPORT_ADMINISTRATOR'];

export interface RoleValue {
  supportRole?: SupportRole | null;
  securityAdministrator: boolean;
}

/** "Support Advanced + Security Administrator", or "No role". */
export function rolesText(t: TFunction, roles: RoleValue): string {
  const names = [
    roles.supportRole ? t(`roles.${roles.supportRole}`) : null,
    roles.securityAdministrator ? t('roles.SECURITY_ADMINISTRATOR') : null,
  ].filter(Boolean);
  return names.length ? names.join(' + ') : t('contactAdmin.noRole');
}

/** A batch or obsolete-marking problem as a plain sentence. */
export function contactProblemText(
  t: TFunction,
  problem: { code: ContactProblemCode; roles: RoleValue },
): string {
  switch (problem.code) {
    case 'ROLES_REMAIN':
      return t('contactAdmin.problems.ROLES_REMAIN', { roles: rolesText(t, problem.roles) });
    case 'CONFLICT':
      return t('contactAdmin.problems.CONFLICT', { roles: rolesText(t, problem.roles) });
    case 'CONTACT_OBSOLETE':
      return t('contactAdmin.problems.CONTACT_OBSOLETE');
    case 'NOT_FOUND':
      return t('contactAdmin.problems.NOT_FOUND');
    case 'LAST_SECURITY_ADMINISTRATOR':
      return t('contactAdmin.problems.LAST_SECURITY_ADMINISTRATOR');
    default:
      return t('errors.generic');
  }
}
