import { useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { canUseTeamScope, isSupportStaff } from '../capabilities';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { useSession } from '../session';
import { ActiveFilters } from '../request/ActiveFilters';
import { RequestFilters } from '../request/RequestFilters';
import { RequestTable, SortControls } from '../request/RequestTable';
import {
  activeFilterCount,
  changedState,
  CUSTOMER_QUEUES,
  listOffer,
  NO_FILTERS,
  parseRequestList,
  requestListQuery,
  requestListSearch,
  SUPPORT_QUEUES,
  type ListFilters,
  type RequestListState as ListState,
} from '../request/listParams';

const RequestListDocument = graphql(`
  query RequestList(
    $queue: RequestQueue!
    $scope: RequestScope
    $filter: RequestFilterInput
    $orderBy: RequestOrderInput
    $first: Int!
    $after: String
    $withRequester: Boolean!
    $withAssignee: Boolean!
  ) {
    requests(queue: $queue, scope: $scope, filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
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
          requester @include(if: $withRequester) {
            id
            firstName
            lastName
          }
          assignee @include(if: $withAssignee) {
            id
            firstName
            lastName
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
  const staff = isSupportStaff(viewer);
  const teamAllowed = canUseTeamScope(viewer);
  const listViewer = { staff, teamAllowed };
  const queues = staff ? SUPPORT_QUEUES : CUSTOMER_QUEUES;
  const stack: string[] = Array.isArray((location.state as { pages?: unknown } | null)?.pages)
    ? (location.state as { pages: string[] }).pages
    : [];
  const [filtersOpen, setFiltersOpen] = useState(false);
  const summaryRef = useRef<HTMLElement>(null);

  const current: ListState = parseRequestList(params, listViewer);
  const offer = listOffer(listViewer, current.queue, current.scope);
  const { queue: queueArg, scope, filter, orderBy } = requestListQuery(current);

  const [{ data, fetching, error }] = useQuery({
    query: RequestListDocument,
    variables: {
      queue: queueArg,
      scope,
      filter,
      orderBy,
      first: PAGE_SIZE,
      after: current.after,
      withRequester: offer.columns.includes('requester'),
      withAssignee: offer.columns.includes('assignee'),
    },
  });
  const [counts] = useQuery({ query: QueueCountsDocument, variables: { scope: current.scope } });

  const queueLabel = t(`queues.${current.queue}`);
  usePageTitle(`${queueLabel} – ${t('requests.title')}`);

  function go(next: Partial<ListState>, pages: string[] = []) {
    const search = requestListSearch(changedState(current, next, listViewer));
    // Applying the same filters again adds no step to the history.
    if (search === location.search && pages.length === stack.length) return;
    navigate({ search }, { state: { pages } });
  }

  function link(next: Partial<ListState>): string {
    return requestListSearch(changedState(current, next, listViewer), false);
  }

  /** Filters changed from a chip or "clear": the focus goes to the disclosure, which stays. */
  function changeFilters(next: Partial<ListFilters>) {
    go(next);
    summaryRef.current?.focus();
  }

  const connection = data?.requests;
  const pageNumber = stack.length + 1;
  const filtered = activeFilterCount(current) > 0;

  return (
    <div className="page-requests">
      <div className="page-heading">
        <h1>{t('requests.title')}</h1>
      </div>

      {teamAllowed && (
        <nav className="segmented" aria-label={t('requests.scope')}>
          {(['PERSONAL', 'TEAM'] as const).map((s) => (
            <Link key={s} to={link({ scope: s })} aria-current={current.scope === s ? 'page' : undefined}>
              {t(staff ? `scopes.support.${s}` : `scopes.customer.${s}`)}
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

      <RequestFilters
        current={current}
        offer={offer}
        staff={staff}
        open={filtersOpen}
        onToggle={setFiltersOpen}
        onApply={(next) => go(next)}
        summaryRef={summaryRef}
      />
      <ActiveFilters current={current} onChange={changeFilters} />

      <div className="list-toolbar">
        <SortControls sorts={offer.sorts} order={current} onSort={(order) => go(order)} />
        <p className="total" aria-live="polite">
          {connection ? t('requests.total', { count: connection.totalCount }) : ''}
        </p>
      </div>

      {error && <ErrorMessage error={error} />}
      {error && filtered && (
        <p>
          <button type="button" onClick={() => changeFilters(NO_FILTERS)}>
            {t('requestFilters.clear')}
          </button>
        </p>
      )}
      {!data && fetching && <Loading />}
      {connection && connection.edges.length === 0 && (
        <Empty>
          {filtered ? (
            <>
              {t('requestFilters.emptyFiltered')}{' '}
              <button type="button" className="button-link" onClick={() => changeFilters(NO_FILTERS)}>
                {t('requestFilters.clear')}
              </button>
            </>
          ) : (
            t('requests.empty')
          )}
        </Empty>
      )}
      {connection && connection.edges.length > 0 && (
        <RequestTable
          rows={connection.edges.map((e) => e.node)}
          columns={offer.columns}
          order={current}
          onSort={(order) => go(order)}
          caption={t('requests.caption', { queue: queueLabel, page: pageNumber })}
          busy={fetching}
        />
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
