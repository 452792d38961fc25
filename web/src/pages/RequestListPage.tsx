import { useId } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { RequestState } from '../gql/graphql';
import { canUseTeamScope, isSupportStaff } from '../capabilities';
import { useFormat } from '../components/format';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { useSession } from '../session';
import {
  CUSTOMER_QUEUES,
  parseRequestList,
  requestListQuery,
  requestListSearch,
  STATES,
  SUPPORT_QUEUES,
  type RequestListState as ListState,
} from '../request/listParams';

const RequestListDocument = graphql(`
  query RequestList(
    $queue: RequestQueue!
    $scope: RequestScope
    $filter: RequestFilterInput
    $first: Int!
    $after: String
  ) {
    requests(
      queue: $queue
      scope: $scope
      filter: $filter
      first: $first
      after: $after
      orderBy: { field: UPDATED_AT, direction: DESC }
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          humanId
          title
          state
          urgency
          updatedAt
          company {
            id
            name
          }
        }
      }
    }
  }
`);

const QueueCountsDocument = graphql(`
  query QueueCounts($scope: RequestScope) {
    queueCounts(scope: $scope) {
      toClarify
      toValidate
      drafts
      active
      closed
      all
    }
  }
`);

const PAGE_SIZE = 25;

const COUNT_FIELDS = {
  TO_CLARIFY: 'toClarify',
  TO_VALIDATE: 'toValidate',
  DRAFTS: 'drafts',
  ACTIVE: 'active',
  CLOSED: 'closed',
  ALL: 'all',
} as const;

export default function RequestListPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const format = useFormat();
  const staff = isSupportStaff(viewer);
  const teamAllowed = canUseTeamScope(viewer);
  const queues = staff ? SUPPORT_QUEUES : CUSTOMER_QUEUES;
  const stack: string[] = Array.isArray((location.state as { pages?: unknown } | null)?.pages)
    ? ((location.state as { pages: string[] }).pages)
    : [];

  const current: ListState = parseRequestList(params, { staff, teamAllowed });
  const { queue: queueArg, filter } = requestListQuery(current);

  const [{ data, fetching, error }] = useQuery({
    query: RequestListDocument,
    variables: {
      queue: queueArg,
      scope: current.scope,
      filter,
      first: PAGE_SIZE,
      after: current.after,
    },
  });
  const [counts] = useQuery({ query: QueueCountsDocument, variables: { scope: current.scope } });

  const queueLabel = t(`queues.${current.queue}`);
  usePageTitle(`${queueLabel} – ${t('requests.title')}`);

  function go(next: Partial<ListState>, pages: string[] = []) {
    navigate({ search: requestListSearch({ ...current, after: null, ...next }) }, { state: { pages } });
  }

  function link(next: Partial<ListState>): string {
    return requestListSearch({ ...current, after: null, ...next }, false);
  }

  const stateFilterId = useId();
  const connection = data?.requests;
  const pageNumber = stack.length + 1;
  const statesOffered = staff ? STATES.filter((s) => s !== 'DRAFT') : STATES;

  return (
    <div className="page-requests">
      <div className="page-heading">
        <h1>{t('requests.title')}</h1>
      </div>

      {teamAllowed && (
        <nav className="segmented" aria-label={t('requests.scope')}>
          {(['PERSONAL', 'TEAM'] as const).map((scope) => (
            <Link key={scope} to={link({ scope })} aria-current={current.scope === scope ? 'page' : undefined}>
              {t(staff ? `scopes.support.${scope}` : `scopes.customer.${scope}`)}
            </Link>
          ))}
        </nav>
      )}

      <nav className="queue-tabs" aria-label={t('requests.queues')}>
        <ul>
          {queues.map((queue) => {
            const count = queue === 'UNASSIGNED' ? undefined : counts.data?.queueCounts[COUNT_FIELDS[queue]];
            return (
              <li key={queue}>
                <Link to={link({ queue })} aria-current={current.queue === queue ? 'page' : undefined}>
                  <span>{t(`queues.${queue}`)}</span>
                  {count !== undefined && <span className="count">{count}</span>}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      <div className="list-toolbar">
        <div className="field field-inline">
          <label htmlFor={stateFilterId}>{t('requests.stateFilter')}</label>
          <select
            id={stateFilterId}
            value={current.state ?? ''}
            onChange={(e) => go({ state: (e.target.value || null) as RequestState | null })}
          >
            <option value="">{t('requests.allStates')}</option>
            {statesOffered.map((s) => (
              <option key={s} value={s}>
                {t(`states.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <p className="total" aria-live="polite">
          {connection ? t('requests.total', { count: connection.totalCount }) : ''}
        </p>
      </div>

      {error && <ErrorMessage error={error} />}
      {!data && fetching && <Loading />}
      {connection && connection.edges.length === 0 && <Empty>{t('requests.empty')}</Empty>}
      {connection && connection.edges.length > 0 && (
        <table className="request-table">
          <caption className="visually-hidden">
            {t('requests.caption', { queue: queueLabel, page: pageNumber })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('fields.humanId')}</th>
              <th scope="col">{t('fields.title')}</th>
              {staff && <th scope="col">{t('fields.company')}</th>}
              <th scope="col">{t('fields.state')}</th>
              <th scope="col">{t('fields.urgency')}</th>
              <th scope="col">{t('fields.updatedAt')}</th>
            </tr>
          </thead>
          <tbody aria-busy={fetching}>
            {connection.edges.map(({ node }) => (
              <tr key={node.id}>
                <td data-label={t('fields.humanId')} className="cell-id">
                  {node.humanId ? (
                    <Link to={`/requests/${node.humanId}`}>{node.humanId}</Link>
                  ) : (
                    <Link to={`/requests/new?draft=${encodeURIComponent(node.id)}`}>{t('requests.editDraft')}</Link>
                  )}
                </td>
                <td data-label={t('fields.title')} className="cell-title">
                  {node.title || <span className="muted">{t('requests.untitled')}</span>}
                </td>
                {staff && <td data-label={t('fields.company')}>{node.company?.name}</td>}
                <td data-label={t('fields.state')}>
                  <span className={`badge state-${node.state.toLowerCase()}`}>{t(`states.${node.state}`)}</span>
                </td>
                <td data-label={t('fields.urgency')}>{node.urgency ? t(`urgencies.${node.urgency}`) : ''}</td>
                <td data-label={t('fields.updatedAt')}>
                  <time dateTime={node.updatedAt}>{format.dateTime(node.updatedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {connection && (stack.length > 0 || current.after || connection.pageInfo.hasNextPage) && (
        <nav className="pager" aria-label={t('requests.paging')}>
          <button
            type="button"
            disabled={!current.after}
            onClick={() => go({ after: stack[stack.length - 1] || null }, stack.slice(0, -1))}
          >
            {t('requests.previous')}
          </button>
          <span>{t('requests.page', { page: pageNumber })}</span>
          <button
            type="button"
            disabled={!connection.pageInfo.hasNextPage}
            onClick={() => go({ after: connection.pageInfo.endCursor ?? null }, [...stack, current.after ?? ''])}
          >
            {t('requests.next')}
          </button>
        </nav>
      )}
    </div>
  );
}
