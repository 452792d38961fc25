import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { RequestHistoryQuery } from '../gql/graphql';
import { personName, useFormat } from '../components/format';
import { Empty, ErrorMessage, Loading } from '../components/Status';

const HistoryDocument = graphql(`
  query RequestHistory($id: ID!, $after: String) {
    request(id: $id) {
      id
      history(first: 50, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            kind
            action
            fromState
            toState
            field
            before
            after
            comment
            side
            occurredAt
            actor {
              id
              firstName
              lastName
            }
          }
        }
      }
    }
  }
`);

type Entry = NonNullable<RequestHistoryQuery['request']>['history']['edges'][number]['node'];

export function HistoryPanel({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <ol className="history" aria-label={t('request.tabs.history')}>
      {pages.map((after, index) => (
        <HistoryPage
          key={after ?? ''}
          requestId={requestId}
          after={after}
          first={index === 0}
          last={index === pages.length - 1}
          onMore={(cursor) => setPages([...pages, cursor])}
        />
      ))}
    </ol>
  );
}

function HistoryPage({
  requestId,
  after,
  first,
  last,
  onMore,
}: {
  requestId: string;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [{ data, fetching, error }] = useQuery({ query: HistoryDocument, variables: { id: requestId, after } });
  const connection = data?.request?.history;
  if (error) return <li><ErrorMessage error={error} /></li>;
  if (!connection) return fetching ? <li><Loading /></li> : null;
  return (
    <>
      {first && connection.edges.length === 0 && (
        <li>
          <Empty>{t('history.none')}</Empty>
        </li>
      )}
      {connection.edges.map(({ node }, i) => (
        <li key={`${node.occurredAt}-${i}`} className="history-entry">
          <p className="history-what">
            <HistoryText entry={node} />
          </p>
          <p className="muted">
            <time dateTime={node.occurredAt}>{format.dateTime(node.occurredAt)}</time>
            {' · '}
            {personName(node.actor) || t(`sides.${node.side}`)}
          </p>
          {node.comment && <p className="prose history-comment">{node.comment}</p>}
        </li>
      ))}
      {last && connection.pageInfo.hasNextPage && connection.pageInfo.endCursor && (
        <li className="more">
          <button type="button" onClick={() => onMore(connection.pageInfo.endCursor ?? '')}>
            {t('common.showMore')}
          </button>
        </li>
      )}
    </>
  );
}

function HistoryText({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  switch (entry.kind) {
    case 'STATE_CHANGED':
      return entry.fromState && entry.toState ? (
        <>
          {t('history.stateChanged', {
            from: t(`states.${entry.fromState}`),
            to: t(`states.${entry.toState}`),
          })}
        </>
      ) : (
        <>{entry.toState ? t('history.created', { to: t(`states.${entry.toState}`) }) : t('history.STATE_CHANGED')}</>
      );
    case 'FIELD_CHANGED':
      return <>{t('history.fieldChanged', { field: entry.field ?? '' })}</>;
    case 'ASSIGNED':
      return <>{t('history.ASSIGNED')}</>;
    case 'WATCHER_ADDED':
      return <>{t('history.WATCHER_ADDED')}</>;
    case 'WATCHER_REMOVED':
      return <>{t('history.WATCHER_REMOVED')}</>;
    case 'REMINDER_SENT':
      return <>{t('history.REMINDER_SENT')}</>;
    default:
      return <>{entry.kind}</>;
  }
}
