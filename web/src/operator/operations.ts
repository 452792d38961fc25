import { graphql } from '../gql';

export const OperatorCompanyFragment = graphql(`
  fragment OperatorCompany on Company {
    id
    humanId
    name
    kind
    language
    requireTwoFactor
    autoCloseAfterSeconds
    reopenWindowSeconds
    createdAt
  }
`);

export const OperatorCompaniesDocument = graphql(`
  query OperatorCompanies($first: Int!, $after: String, $filter: CompanyFilterInput) {
    companies(first: $first, after: $after, filter: $filter) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...OperatorCompany
        }
      }
    }
  }
`);

export const CreateCompanyDocument = graphql(`
  mutation CreateCompany($input: CreateCompanyInput!) {
    createCompany(input: $input) {
      company {
        ...OperatorCompany
      }
      problems {
        field
        reason
        message
      }
      replayed
    }
  }
`);

export const SetCompanyDurationsDocument = graphql(`
  mutation SetCompanyDurations($input: SetCompanyDurationsInput!) {
    setCompanyDurations(input: $input) {
      company {
        ...OperatorCompany
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);

export const CreateSecurityAdministratorDocument = graphql(`
  mutation CreateSecurityAdministrator($input: CreateSecurityAdministratorInput!) {
    createSecurityAdministrator(input: $input) {
      contact {
        id
        firstName
        lastName
        email
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);

export const CreateSupportStaffDocument = graphql(`
  mutation CreateSupportStaff($input: CreateSupportStaffInput!) {
    createSupportStaff(input: $input) {
      contact {
        id
        firstName
        lastName
        email
        providerRole
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);
