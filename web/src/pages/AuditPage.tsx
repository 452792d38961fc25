import { useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { AuditEventFilterInput } from '../gql/graphql';
import { canReadAudit } from '../capabilities';
import { useFormat } from '../components/format';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { useSession } from '../session';

const AuditEventsDocument = graphql(`
  query AuditEvents($first: Int!, $after: String, $filter: AuditEventFilterInput) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          occurredAt
          action
          actorId
          companyId
          targetKind
          targetId
          before
          after
        }
      }
    }
  }
`);

const AuditTargetDocument = graphql(`
  query AuditTarget($id: ID!) {
    node(id: $id) {
      id
      ... on Contact {
        firstName
        lastName
      }
      ... on Request {
        humanId
      }
      ... on Company {
        name
      }
    }
  }
`);

/** The journal's actions (the schema has them as strings), grouped for the filter. */
export const ACTION_GROUPS = {
  logins: [
    'LOGIN_PASSWORD_ACCEPTED',
    'LOGIN_SUCCEEDED',
    'LOGIN_SUCCEEDED_WITH_RECOVERY_CODE',
    'LOGIN_FAILED',
    'LOGIN_THROTTLED',
    'SECOND_FACTOR_FAILED',
    'SECOND_FACTOR_THROTTLED',
    'LOGOUT',
    'LOGOUT_EVERYWHERE',
  ],
  credentials: [
    'ACCOUNT_ACTIVATED',
    'PASSWORD_CHANGED',
    'PASSWORD_RESET',
    'PASSWORD_RESET_REQUESTED',
    'PASSWORD_RESET_THROTTLED',
    'TWO_FACTOR_ENABLED',
    'TWO_FACTOR_DISABLED',
    'RECOVERY_CODES_REGENERATED',
  ],
  contacts: [
    'CONTACT_ADDED',
    'CONTACT_EDITED',
    'CONTACT_OBSOLETED',
    'CONTACT_REACTIVATED',
    'CONTACT_ROLES_CHANGED',
    'ROLE_BATCH_APPLIED',
    'SECURITY_ADMINISTRATOR_CREATED',
    'SUPPORT_STAFF_CREATED',
  ],
  company: ['COMPANY_CREATED', 'SECURITY_POLICY_CHANGED', 'COMPANY_DURATIONS_CHANGED'],
  requests: [
    'REQUEST_DRAFT_CREATED',
    'REQUEST_DRAFT_DELETED',
    'REQUEST_SUBMITTED',
    'REQUEST_CLARIFICATION_REQUESTED',
    'REQUEST_CLARIFIED',
    'REQUEST_PAUSED',
    'REQUEST_RESUMED',
    'REQUEST_SENT_TO_RND',
    'REQUEST_CORRECTION_DELIVERED',
    'REQUEST_CLOSURE_PROPOSED',
    'REQUEST_CLOSURE_VALIDATED',
    'REQUEST_CLOSURE_REFUSED',
    'REQUEST_AUTO_CLOSED',
    'REQUEST_CLOSED',
    'REQUEST_REOPENED',
    'REQUEST_MESSAGE_ADDED',
    'REQUEST_ASSIGNED',
    'REQUEST_UPDATED',
  ],
} as const;
type Group = keyof typeof ACTION_GROUPS;
const GROUPS = Object.keys(ACTION_GROUPS) as Group[];
const PAGE_SIZE = 25;

interface Filters {
  groups: Group[];
  actor: string;
  target: string;
  since: string;
  until: string;
}

/** A `datetime-local` value (the browser's time zone) as an ISO instant, or null. */
function toInstant(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export default function AuditPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const format = useFormat();
  usePageTitle(t('audit.title'));

  const stack: string[] = Array.isArray((location.state as { pages?: unknown } | null)?.pages)
    ? (location.state as { pages: string[] }).pages
    : [];
  const current: Filters = {
    groups: (params.get('groups') ?? '').split(',').filter((g): g is Group => (GROUPS as string[]).includes(g)),
    actor: params.get('actor') ?? '',
    target: params.get('target') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
  };
  const after = params.get('after');

  const filter: AuditEventFilterInput = {};
  if (current.groups.length) filter.actions = current.groups.flatMap((g) => [...ACTION_GROUPS[g]]);
  if (current.actor) filter.actorId = current.actor;
  if (current.target) filter.targetId = current.target;
  const since = toInstant(current.since);
  const until = toInstant(current.until);
  if (since) filter.since = since;
  if (until) filter.until = until;

  const allowed = canReadAudit(viewer);
  const [{ data, fetching, error }] = useQuery({
    query: AuditEventsDocument,
    variables: { first: PAGE_SIZE, after, filter },
    pause: !allowed,
  });

  if (!allowed) {
    return (
      <div className="narrow">
        <h1>{t('audit.title')}</h1>
        <p className="status status-error" role="alert">
          {t('errors.FORBIDDEN')}
        </p>
      </div>
    );
  }

  function go(next: Partial<Filters>, nextAfter: string | null = null, pages: string[] = []) {
    const merged = { ...current, ...next };
    const search = new URLSearchParams();
    if (merged.groups.length) search.set('groups', merged.groups.join(','));
    if (merged.actor) search.set('actor', merged.actor);
    if (merged.target) search.set('target', merged.target);
    if (merged.since) search.set('since', merged.since);
    if (merged.until) search.set('until', merged.until);
    if (nextAfter) search.set('after', nextAfter);
    const query = search.toString();
    navigate({ search: query ? `?${query}` : '' }, { state: { pages } });
  }

  const connection = data?.auditEvents;
  const pageNumber = stack.length + 1;
  const me = viewer?.account.id;

  return (
    <div className="page-audit">
      <h1>{t('audit.title')}</h1>
      <p className="hint">{t('audit.intro')}</p>
      <AuditFilters key={location.search} current={current} onApply={(f) => go(f)} />

      {error && <ErrorMessage error={error} />}
      {!data && fetching && <Loading />}
      {connection && connection.edges.length === 0 && <Empty>{t('audit.empty')}</Empty>}
      {connection && connection.edges.length > 0 && (
        <table className="simple-table audit-table">
          <caption className="visually-hidden">{t('audit.caption', { page: pageNumber })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody aria-busy={fetching}>
            {connection.edges.map(({ node }) => (
              <tr key={node.id}>
                <td data-label={t('audit.when')}>
                  <time dateTime={node.occurredAt}>{format.dateTime(node.occurredAt)}</time>
                </td>
                <td data-label={t('audit.action')}>
                  <ActionName action={node.action} />
                </td>
                <td data-label={t('audit.actor')} className="cell-title">
                  {node.actorId ? (
                    <>
                      {node.actorId === me ? t('audit.you') : <code className="id">{node.actorId}</code>}{' '}
                      <button
                        type="button"
                        className="button-link"
                        onClick={() => go({ actor: node.actorId ?? '' })}
                      >
                        {t('audit.onlyActor')}
                      </button>
                    </>
                  ) : (
                    <span className="muted">{t('audit.system')}</span>
                  )}
                </td>
                <td data-label={t('audit.target')} className="cell-title">
                  {node.targetId ? (
                    <>
                      {node.targetKind && <span className="badge">{t(`audit.kinds.${kindKey(node.targetKind)}`)}</span>}
                      <TargetName id={node.targetId} kind={node.targetKind ?? null} />{' '}
                      <button
                        type="button"
                        className="button-link"
                        onClick={() => go({ target: node.targetId ?? '' })}
                      >
                        {t('audit.onlyTarget')}
                      </button>
                    </>
                  ) : (
                    <span className="muted">{t('common.none')}</span>
                  )}
                </td>
                <td data-label={t('audit.details')} className="cell-title">
                  {node.before != null || node.after != null ? (
                    <details>
                      <summary>{t('audit.showChange')}</summary>
                      {node.before != null && (
                        <>
                          <p className="label">{t('audit.before')}</p>
                          <pre>{JSON.stringify(node.before, null, 2)}</pre>
                        </>
                      )}
                      {node.after != null && (
                        <>
                          <p className="label">{t('audit.after')}</p>
                          <pre>{JSON.stringify(node.after, null, 2)}</pre>
                        </>
                      )}
                    </details>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {connection && (stack.length > 0 || after || connection.pageInfo.hasNextPage) && (
        <nav className="pager" aria-label={t('requests.paging')}>
          <button
            type="button"
            disabled={!after}
            onClick={() => go({}, stack[stack.length - 1] || null, stack.slice(0, -1))}
          >
            {t('requests.previous')}
          </button>
          <span>{t('requests.page', { page: pageNumber })}</span>
          <button
            type="button"
            disabled={!connection.pageInfo.hasNextPage}
            onClick={() => go({}, connection.pageInfo.endCursor ?? null, [...stack, after ?? ''])}
          >
            {t('requests.next')}
          </button>
        </nav>
      )}
    </div>
  );
}

const KINDS = ['ACCOUNT', 'COMPANY', 'CONTACT', 'REQUEST'] as const;
function kindKey(kind: string): (typeof KINDS)[number] | 'OTHER' {
  return (KINDS as readonly string[]).includes(kind) ? (kind as (typeof KINDS)[number]) : 'OTHER';
}

function ActionName({ action }: { action: string }) {
  const { t, i18n } = useTranslation();
  const key = `audit.actions.${action}`;
  return <>{i18n.exists(key) ? t(key as 'audit.actions.LOGIN_FAILED') : action}</>;
}

/** The name of what an entry is about, when the caller may read it (contacts, requests, companies). */
function TargetName({ id, kind }: { id: string; kind: string | null }) {
  const readable = kind === 'CONTACT' || kind === 'REQUEST' || kind === 'COMPANY';
  const [{ data }] = useQuery({ query: AuditTargetDocument, variables: { id }, pause: !readable });
  const node = data?.node;
  if (node && 'humanId' in node && node.humanId) return <Link to={`/requests/${node.humanId}`}>{node.humanId}</Link>;
  if (node && 'lastName' in node) return <>{`${node.firstName} ${node.lastName}`}</>;
  if (node && 'name' in node) return <>{node.name}</>;
  return <code className="id">{id}</code>;
}

function AuditFilters({ current, onApply }: { current: Filters; onApply: (f: Filters) => void }) {
  const { t } = useTranslation();
  const [groups, setGroups] = useState<Group[]>(current.groups);
  const [actor, setActor] = useState(current.actor);
  const [target, setTarget] = useState(current.target);
  const [since, setSince] = useState(current.since);
  const [until, setUntil] = useState(current.until);
  const ids = { actor: useId(), target: useId(), since: useId(), until: useId() };

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ groups, actor: actor.trim(), target: target.trim(), since, until });
  }

  return (
    <form className="card form audit-filters" onSubmit={submit} aria-label={t('audit.filters')}>
      <fieldset className="check-group">
        <legend>{t('audit.actionFilter')}</legend>
        {GROUPS.map((g) => (
          <label key={g}>
            <input
              type="checkbox"
              checked={groups.includes(g)}
              onChange={(e) => setGroups(e.target.checked ? [...groups, g] : groups.filter((x) => x !== g))}
            />{' '}
            {t(`audit.groups.${g}`)}
          </label>
        ))}
      </fieldset>
      <div className="filter-grid">
        <div className="field">
          <label htmlFor={ids.actor}>{t('audit.actorId')}</label>
          <input id={ids.actor} value={actor} onChange={(e) => setActor(e.target.value)} spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={ids.target}>{t('audit.targetId')}</label>
          <input id={ids.target} value={target} onChange={(e) => setTarget(e.target.value)} spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={ids.since}>{t('audit.since')}</label>
          <input id={ids.since} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.until}>{t('audit.until')}</label>
          <input id={ids.until} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary">
          {t('audit.apply')}
        </button>
        <button
          type="button"
          onClick={() => onApply({ groups: [], actor: '', target: '', since: '', until: '' })}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}
