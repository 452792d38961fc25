import { useEffect, useId, useState, type FormEvent } from 'react';
import { useBlocker, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useClient, useMutation, useQuery } from 'urql';
import type {
  AdminContactFragment,
  ContactOrderField,
  ContactProblemFieldsFragment,
  OrderDirection,
  StagedChangeFragment,
} from '../gql/graphql';
import { canAdministerContacts, canAdministerSecurity } from '../capabilities';
import { useFormat } from '../components/format';
import { Modal } from '../components/Modal';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { useSession } from '../session';
import { AddContactDialog, EditContactDialog, RolesDialog } from './ContactDialogs';
import {
  ApplyRoleChangesDocument,
  ContactAdminDocument,
  contactProblemText,
  DiscardRoleChangesDocument,
  MarkContactObsoleteDocument,
  ReactivateContactDocument,
  rolesText,
  SetSecurityPolicyDocument,
  StagedRoleChangesDocument,
  SUPPORT_ROLES,
} from './operations';
import {
  contactListFilter,
  contactListSearch,
  parseContactList,
  STATUS_FILTERS,
  type ContactListState as ListState,
  type RoleFilter,
  type StatusFilter,
} from './listParams';

const PAGE_SIZE = 20;

type Dialog =
  | { kind: 'add' }
  | { kind: 'edit'; contact: AdminContactFragment }
  | { kind: 'roles'; contact: AdminContactFragment; staged: StagedChangeFragment | undefined };

export default function ContactsPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const format = useFormat();
  const security = canAdministerSecurity(viewer);
  usePageTitle(t('contactAdmin.title'));

  const stack: string[] = Array.isArray((location.state as { pages?: unknown } | null)?.pages)
    ? (location.state as { pages: string[] }).pages
    : [];
  const current: ListState = parseContactList(params);
  const filter = contactListFilter(current);

  const [{ data, fetching, error }, refetchList] = useQuery({
    query: ContactAdminDocument,
    variables: {
      first: PAGE_SIZE,
      after: current.after,
      filter,
      orderBy: { field: current.sort, direction: current.dir },
    },
    pause: !canAdministerContacts(viewer),
  });
  const [stagedResult, refetchStaged] = useQuery({ query: StagedRoleChangesDocument, pause: !security });
  const [stagedOverride, setStagedOverride] = useState<StagedChangeFragment[] | null>(null);
  const staged = stagedOverride ?? stagedResult.data?.stagedRoleChanges ?? [];

  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rowProblem, setRowProblem] = useState<{ name: string; problems: ContactProblemFieldsFragment[] } | null>(null);

  const reloadList = () => refetchList({ requestPolicy: 'network-only' });
  const setStaged = (list: StagedChangeFragment[]) => setStagedOverride(list);

  // Unapplied role changes: ask before leaving the screen, in the app or by closing the tab.
  const hasStaged = staged.length > 0;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => hasStaged && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!hasStaged) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [hasStaged]);
  const client = useClient();

  if (!canAdministerContacts(viewer)) {
    return (
      <div className="narrow">
        <h1>{t('contactAdmin.title')}</h1>
        <p className="status status-error" role="alert">
          {t('errors.FORBIDDEN')}
        </p>
      </div>
    );
  }

  function go(next: Partial<ListState>, pages: string[] = []) {
    navigate({ search: contactListSearch({ ...current, after: null, ...next }) }, { state: { pages } });
  }

  const company = data?.viewer?.contact?.company ?? null;
  const connection = company?.contacts;
  const stagedFor = (id: string) => staged.find((s) => s.contact?.id === id);
  const pageNumber = stack.length + 1;

  return (
    <div className="page-contacts">
      <div className="page-heading">
        <h1>{t('contactAdmin.title')}</h1>
        {company && (
          <p className="company-line">
            <span className="company-name">{company.name}</span>{' '}
            <span className="muted">({company.humanId})</span>
          </p>
        )}
      </div>

      {security && company && <SecurityPolicy requireTwoFactor={company.requireTwoFactor} />}

      {security && (
        <StagedChanges
          staged={staged}
          error={stagedResult.error ?? null}
          onChanged={(list) => {
            setStaged(list);
          }}
          onApplied={(count) => {
            setStaged([]);
            setNotice(t('contactAdmin.applied', { count }));
            reloadList();
            refetchStaged({ requestPolicy: 'network-only' });
          }}
        />
      )}

      <p className="notice" role="status">
        {notice}
      </p>
      {rowProblem && (
        <div className="status status-error" role="alert">
          <p>{t('contactAdmin.obsoleteRefused', { name: rowProblem.name })}</p>
          <ul>
            {rowProblem.problems.map((p, i) => (
              <li key={i}>{contactProblemText(t, p)}</li>
            ))}
          </ul>
        </div>
      )}

      <section aria-labelledby="contacts-list-title">
        <div className="section-heading">
          <h2 id="contacts-list-title">{t('contactAdmin.listTitle')}</h2>
          <button type="button" className="button-primary" onClick={() => setDialog({ kind: 'add' })}>
            {t('contactAdmin.add')}
          </button>
        </div>
        <ContactFilters key={location.search} current={current} onChange={(next) => go(next)} />
        <p className="total" aria-live="polite">
          {connection ? t('contactAdmin.total', { count: connection.totalCount }) : ''}
        </p>

        {error && <ErrorMessage error={error} />}
        {!data && fetching && <Loading />}
        {connection && connection.edges.length === 0 && <Empty>{t('contactAdmin.empty')}</Empty>}
        {connection && connection.edges.length > 0 && (
          <table className="simple-table contact-table">
            <caption className="visually-hidden">{t('contactAdmin.caption', { page: pageNumber })}</caption>
            <thead>
              <tr>
                <SortHeader field="NAME" label={t('contactAdmin.name')} current={current} onSort={go} />
                <SortHeader field="EMAIL" label={t('contactAdmin.email')} current={current} onSort={go} />
                <th scope="col">{t('contactAdmin.roles')}</th>
                <th scope="col">{t('contactAdmin.status')}</th>
                <SortHeader field="CREATED_AT" label={t('contactAdmin.added')} current={current} onSort={go} />
                <th scope="col">{t('contactAdmin.actions')}</th>
              </tr>
            </thead>
            <tbody aria-busy={fetching}>
              {connection.edges.map(({ node }) => {
                const change = stagedFor(node.id);
                const name = `${node.firstName} ${node.lastName}`;
                return (
                  <tr key={node.id}>
                    <td data-label={t('contactAdmin.name')} className="cell-title">
                      {node.lastName.toUpperCase()} {node.firstName}
                    </td>
                    <td data-label={t('contactAdmin.email')} className="cell-title">
                      {node.email}
                    </td>
                    <td data-label={t('contactAdmin.roles')}>
                      {rolesText(t, node)}
                      {change && (
                        <span className="staged-mark">
                          {' → '}
                          {rolesText(t, change.to)} <span className="badge">{t('contactAdmin.notApplied')}</span>
                        </span>
                      )}
                    </td>
                    <td data-label={t('contactAdmin.status')}>
                      <span className={`badge contact-${node.status.toLowerCase()}`}>
                        {t(`contactAdmin.statuses.${node.status}`)}
                      </span>
                    </td>
                    <td data-label={t('contactAdmin.added')}>
                      <time dateTime={node.createdAt}>{format.dateTime(node.createdAt)}</time>
                    </td>
                    <td data-label={t('contactAdmin.actions')}>
                      <div className="row-actions">
                        <button type="button" onClick={() => setDialog({ kind: 'edit', contact: node })}>
                          {t('contactAdmin.edit')}
                          <span className="visually-hidden"> {name}</span>
                        </button>
                        {security && node.status === 'ACTIVE' && (
                          <button
                            type="button"
                            onClick={() => setDialog({ kind: 'roles', contact: node, staged: change })}
                          >
                            {t('contactAdmin.changeRoles')}
                            <span className="visually-hidden"> {name}</span>
                          </button>
                        )}
                        {security && (
                          <StatusButton
                            contact={node}
                            onDone={(message) => {
                              setRowProblem(null);
                              setNotice(message);
                              reloadList();
                            }}
                            onRefused={(problems) => {
                              setNotice(null);
                              setRowProblem({ name, problems });
                            }}
                          />
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
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
      </section>

      {dialog?.kind === 'add' && (
        <AddContactDialog
          onClose={(added) => {
            setDialog(null);
            if (added) {
              setNotice(t('contactAdmin.addedNotice', { name: `${added.firstName} ${added.lastName}`, email: added.email }));
              reloadList();
            }
          }}
        />
      )}
      {dialog?.kind === 'edit' && (
        <EditContactDialog
          contact={dialog.contact}
          self={dialog.contact.id === viewer?.contact?.id}
          needsCode={Boolean(viewer?.twoFactorEnabled)}
          onStale={reloadList}
          onClose={(saved) => {
            setDialog(null);
            if (saved) {
              setNotice(t('contactAdmin.savedNotice', { name: `${saved.firstName} ${saved.lastName}` }));
              reloadList();
            }
          }}
        />
      )}
      {dialog?.kind === 'roles' && (
        <RolesDialog
          contact={dialog.contact}
          staged={dialog.staged}
          onClose={(list) => {
            setDialog(null);
            if (list) {
              setStaged(list);
              setNotice(t('contactAdmin.stagedNotice'));
            }
          }}
        />
      )}

      {blocker.state === 'blocked' && (
        <Modal title={t('contactAdmin.leaveTitle')} role="alertdialog" onClose={() => blocker.reset()}>
          <p>{t('contactAdmin.leaveBody', { count: staged.length })}</p>
          <div className="form-actions">
            <button type="button" className="button-primary" autoFocus onClick={() => blocker.reset()}>
              {t('contactAdmin.stay')}
            </button>
            <button
              type="button"
              onClick={() => {
                // The changes are said to be lost when leaving: discard them for real.
                void client.mutation(DiscardRoleChangesDocument, { input: { contactIds: null } }).toPromise();
                blocker.proceed();
              }}
            >
              {t('contactAdmin.leave')}
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

function SortHeader({
  field,
  label,
  current,
  onSort,
}: {
  field: ContactOrderField;
  label: string;
  current: ListState;
  onSort: (next: Partial<ListState>) => void;
}) {
  const { t } = useTranslation();
  const active = current.sort === field;
  const nextDir: OrderDirection = active && current.dir === 'ASC' ? 'DESC' : 'ASC';
  return (
    <th scope="col" aria-sort={active ? (current.dir === 'ASC' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort({ sort: field, dir: nextDir })}>
        {label}
        <span aria-hidden="true">{active ? (current.dir === 'ASC' ? ' ▲' : ' ▼') : ' ↕'}</span>
        <span className="visually-hidden">
          {' '}
          {t(nextDir === 'ASC' ? 'contactAdmin.sortAsc' : 'contactAdmin.sortDesc')}
        </span>
      </button>
    </th>
  );
}

function ContactFilters({ current, onChange }: { current: ListState; onChange: (next: Partial<ListState>) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState(current.search);
  const ids = { search: useId(), status: useId(), role: useId() };
  function submit(event: FormEvent) {
    event.preventDefault();
    onChange({ search: search.trim() });
  }
  return (
    <form className="list-toolbar contact-filters" role="search" onSubmit={submit}>
      <div className="field field-inline">
        <label htmlFor={ids.search}>{t('contactAdmin.search')}</label>
        <input
          id={ids.search}
          type="search"
          maxLength={200}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="submit">{t('contactAdmin.searchSubmit')}</button>
      </div>
      <div className="field field-inline">
        <label htmlFor={ids.status}>{t('contactAdmin.status')}</label>
        <select
          id={ids.status}
          value={current.status}
          onChange={(e) => onChange({ status: e.target.value as StatusFilter, search })}
        >
          {STATUS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {t(`contactAdmin.statusFilter.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-inline">
        <label htmlFor={ids.role}>{t('contactAdmin.roleFilter')}</label>
        <select
          id={ids.role}
          value={current.role}
          onChange={(e) => onChange({ role: e.target.value as RoleFilter, search })}
        >
          <option value="">{t('contactAdmin.anyRole')}</option>
          {SUPPORT_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
          <option value="SECURITY_ADMINISTRATOR">{t('roles.SECURITY_ADMINISTRATOR')}</option>
        </select>
      </div>
    </form>
  );
}

function StatusButton({
  contact,
  onDone,
  onRefused,
}: {
  contact: AdminContactFragment;
  onDone: (message: string) => void;
  onRefused: (problems: ContactProblemFieldsFragment[]) => void;
}) {
  const { t } = useTranslation();
  const [obsolete, markObsolete] = useMutation(MarkContactObsoleteDocument);
  const [reactivate, reactivateContact] = useMutation(ReactivateContactDocument);
  const [confirming, setConfirming] = useState(false);
  const name = `${contact.firstName} ${contact.lastName}`;
  const error = obsolete.error ?? reactivate.error;

  if (contact.status === 'OBSOLETE') {
    return (
      <>
        <button
          type="button"
          disabled={reactivate.fetching}
          onClick={async () => {
            const result = await reactivateContact({ input: { id: contact.id } });
            const payload = result.data?.reactivateContact;
            if (payload?.contact) onDone(t('contactAdmin.reactivated', { name }));
            else if (payload) onRefused(payload.problems);
          }}
        >
          {t('contactAdmin.reactivate')}
          <span className="visually-hidden"> {name}</span>
        </button>
        {error && <ErrorMessage error={error} />}
      </>
    );
  }
  return (
    <>
      <button type="button" disabled={obsolete.fetching} onClick={() => setConfirming(true)}>
        {t('contactAdmin.markObsolete')}
        <span className="visually-hidden"> {name}</span>
      </button>
      {error && <ErrorMessage error={error} />}
      {confirming && (
        <Modal title={t('contactAdmin.obsoleteTitle', { name })} role="alertdialog" onClose={() => setConfirming(false)}>
          <p>{t('contactAdmin.obsoleteBody')}</p>
          <div className="form-actions">
            <button
              type="button"
              className="button-primary"
              disabled={obsolete.fetching}
              onClick={async () => {
                const result = await markObsolete({ input: { id: contact.id } });
                setConfirming(false);
                const payload = result.data?.markContactObsolete;
                if (payload?.contact) onDone(t('contactAdmin.markedObsolete', { name }));
                else if (payload) onRefused(payload.problems);
              }}
            >
              {t('contactAdmin.markObsolete')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}

function StagedChanges({
  staged,
  error,
  onChanged,
  onApplied,
}: {
  staged: StagedChangeFragment[];
  error: import('@urql/core').CombinedError | null;
  onChanged: (list: StagedChangeFragment[]) => void;
  onApplied: (count: number) => void;
}) {
  const { t } = useTranslation();
  const [apply, applyChanges] = useMutation(ApplyRoleChangesDocument);
  const [discard, discardChanges] = useMutation(DiscardRoleChangesDocument);
  const [problems, setProblems] = useState<ContactProblemFieldsFragment[]>([]);
  const nameOf = (id: string) => {
    const c = staged.find((s) => s.contact?.id === id)?.contact;
    return c ? `${c.firstName} ${c.lastName}` : t('common.unknown');
  };

  return (
    <section className="card staged" aria-labelledby="staged-title">
      <h2 id="staged-title">{t('contactAdmin.stagedTitle')}</h2>
      {error && <ErrorMessage error={error} />}
      {staged.length === 0 ? (
        <p className="muted">{t('contactAdmin.noStaged')}</p>
      ) : (
        <>
          <p className="warning">
            <strong>{t('contactAdmin.warningLabel')}</strong> {t('contactAdmin.stagedWarning')}
          </p>
          <ul className="plain-list staged-list" aria-label={t('contactAdmin.stagedTitle')}>
            {staged.map((s) => (
              <li key={s.contact?.id ?? s.stagedAt}>
                <span className="staged-name">
                  {s.contact ? `${s.contact.firstName} ${s.contact.lastName}` : t('common.unknown')}
                </span>
                {': '}
                <span>{rolesText(t, s.from)}</span>
                {' → '}
                <strong>{rolesText(t, s.to)}</strong>
              </li>
            ))}
          </ul>
          {problems.length > 0 && (
            <div className="status status-error" role="alert">
              <p>{t('contactAdmin.applyRefused')}</p>
              <ul>
                {problems.map((p, i) => (
                  <li key={i}>
                    {nameOf(p.contactId)}: {contactProblemText(t, p)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {apply.error && <ErrorMessage error={apply.error} />}
          {discard.error && <ErrorMessage error={discard.error} />}
          <div className="form-actions">
            <button
              type="button"
              className="button-primary"
              disabled={apply.fetching || discard.fetching}
              onClick={async () => {
                const result = await applyChanges({});
                const payload = result.data?.applyRoleChanges;
                if (!payload) return;
                setProblems(payload.problems);
                if (payload.problems.length === 0) onApplied(payload.applied.length);
              }}
            >
              {t('contactAdmin.apply')}
            </button>
            <button
              type="button"
              disabled={apply.fetching || discard.fetching}
              onClick={async () => {
                const result = await discardChanges({ input: { contactIds: null } });
                const payload = result.data?.discardRoleChanges;
                if (payload) {
                  setProblems([]);
                  onChanged(payload.stagedChanges);
                }
              }}
            >
              {t('contactAdmin.discard')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function SecurityPolicy({ requireTwoFactor }: { requireTwoFactor: boolean }) {
  const { t } = useTranslation();
  const [{ fetching, error }, setPolicy] = useMutation(SetSecurityPolicyDocument);
  const [value, setValue] = useState(requireTwoFactor);
  const [saved, setSaved] = useState<string | null>(null);
  const id = useId();
  return (
    <section className="card" aria-labelledby="policy-title">
      <h2 id="policy-title">{t('contactAdmin.policyTitle')}</h2>
      <div className="field-check">
        <input
          id={id}
          type="checkbox"
          checked={value}
          disabled={fetching}
          aria-describedby={`${id}-hint`}
          onChange={async (e) => {
            const next = e.target.checked;
            setValue(next);
            setSaved(null);
            const result = await setPolicy({ input: { requireTwoFactor: next } });
            const company = result.data?.setCompanySecurityPolicy.company;
            if (company) {
              setValue(company.requireTwoFactor);
              setSaved(t(company.requireTwoFactor ? 'contactAdmin.policyOn' : 'contactAdmin.policyOff'));
            } else setValue(!next);
          }}
        />
        <label htmlFor={id}>{t('contactAdmin.policyLabel')}</label>
      </div>
      <p className="hint" id={`${id}-hint`}>
        {t('contactAdmin.policyHint')}
      </p>
      <p className="notice" role="status">
        {saved}
      </p>
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

