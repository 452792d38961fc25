import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { RequestScope } from '../gql/graphql';
import { personName } from '../components/format';
import { distinctOptions as distinct, type Option } from './listParams';

export type { Option };

// Support staff may list every company; the customer companies are the ones with requests.
const FilterCompaniesDocument = graphql(`
  query RequestFilterCompanies {
    companies(first: 100) {
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          id
          name
          kind
        }
      }
    }
  }
`);

// Requesters likewise: those of the most recent requests and of both ends of the list
// sorted by requester, within the chosen companies.
const FilterRequestersDocument = graphql(`
  query RequestFilterRequesters($scope: RequestScope!, $filter: RequestFilterInput) {
    recent: requests(queue: ALL, scope: $scope, filter: $filter, first: 80, orderBy: { field: UPDATED_AT, direction: DESC }) {
      edges {
        node {
          id
          requester {
            id
            firstName
            lastName
            email
          }
        }
      }
    }
    firstNames: requests(queue: ALL, scope: $scope, filter: $filter, first: 50, orderBy: { field: REQUESTER, direction: ASC }) {
      edges {
        node {
          id
          requester {
            id
            firstName
            lastName
            email
          }
        }
      }
    }
    lastNames: requests(queue: ALL, scope: $scope, filter: $filter, first: 50, orderBy: { field: REQUESTER, direction: DESC }) {
      edges {
        node {
          id
          requester {
            id
            firstName
            lastName
            email
          }
        }
      }
    }
  }
`);

const FilterAgentsDocument = graphql(`
  query RequestFilterAgents {
    supportStaff {
      id
      firstName
      lastName
      email
    }
  }
`);

const NodeNameDocument = graphql(`
  query RequestFilterNodeName($id: ID!) {
    node(id: $id) {
      id
      ... on Company {
        name
      }
      ... on Contact {
        firstName
        lastName
      }
    }
  }
`);

type Edges<T> = { edges: { node: T }[] } | undefined;
function nodes<T>(...lists: Edges<T>[]): T[] {
  return lists.flatMap((l) => l?.edges.map((e) => e.node) ?? []);
}

/** The companies to filter on (support only; `pause` until needed); `more` when there are over 100. */
export function useCompanyOptions(
  pause: boolean,
  locale: string,
): { options: Option[]; fetching: boolean; more: boolean } {
  const [{ data, fetching }] = useQuery({ query: FilterCompaniesDocument, pause });
  const options = useMemo(
    () =>
      distinct(
        nodes(data?.companies).map((c) => (c.kind === 'CUSTOMER' ? { id: c.id, label: c.name } : null)),
        locale,
      ),
    [data, locale],
  );
  return { options, fetching, more: Boolean(data?.companies.pageInfo.hasNextPage) };
}

/** The requesters to filter on, within `companyIds` when some are chosen. */
export function useRequesterOptions(
  pause: boolean,
  scope: RequestScope,
  companyIds: string[],
  locale: string,
): { options: Option[]; fetching: boolean } {
  const filter = useMemo(() => (companyIds.length ? { companyIds } : null), [companyIds]);
  const [{ data, fetching }] = useQuery({ query: FilterRequestersDocument, variables: { scope, filter }, pause });
  const options = useMemo(
    () =>
      distinct(
        nodes(data?.recent, data?.firstNames, data?.lastNames).map((n) =>
          n.requester ? { id: n.requester.id, label: personName(n.requester), detail: n.requester.email } : null,
        ),
        locale,
      ),
    [data, locale],
  );
  return { options, fetching };
}

/** The support's agents and managers (whom a request can be assigned to). */
export function useAgentOptions(pause: boolean, locale: string): { options: Option[]; fetching: boolean } {
  const [{ data, fetching }] = useQuery({ query: FilterAgentsDocument, pause });
  const options = useMemo(
    () => distinct((data?.supportStaff ?? []).map((c) => ({ id: c.id, label: personName(c), detail: c.email })), locale),
    [data, locale],
  );
  return { options, fetching };
}

/** The name of a company or contact by its ID (for a value not among the options). */
export function useNodeName(id: string): { name: string | null; fetching: boolean } {
  const [{ data, fetching }] = useQuery({ query: NodeNameDocument, variables: { id } });
  const node = data?.node;
  let name: string | null = null;
  if (node && 'name' in node) name = node.name;
  else if (node && 'lastName' in node) name = personName(node);
  return { name, fetching };
}
