import { useId, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { OperatorCompanyFragment } from '../gql/graphql';
import { canOperatePlatform } from '../capabilities';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { useSession } from '../session';
import { CreateCompanyDialog, DurationsDialog, SecurityAdministratorDialog } from './CompanyDialogs';
import { NotAllowed, OperatorNav, useDurationText } from './fields';
import {
  companyListFilter,
  companyListSearch,
  parseCompanyList,
  SEARCH_MAX,
  type CompanyListState,
} from './operatorForm';
import { OperatorCompaniesDocument } from './operations';

const PAGE_SIZE = 20;

type Dialog =
  | { kind: 'create' }
  | { kind: 'durations'; company: OperatorCompanyFragment }
  | { kind: 'securityAdmin'; company: OperatorCompanyFragment };

/** The platform operator's companies: search, paging, creation, durations, first administrator. */
export default function OperatorPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const allowed = canOperatePlatform(viewer);
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const durationText = useDurationText();
  usePageTitle(t('operator.companies.title'));

  const stack: string[] = Array.isArray((location.state as { pages?: unknown } | null)?.pages)
    ? (location.state as { pages: string[] }).pages
    : [];
  const current = parseCompanyList(params);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: OperatorCompaniesDocument,
    variables: { first: PAGE_SIZE, after: current.after, filter: companyListFilter(current) },
    pause: !allowed,
  });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (!allowed) return <NotAllowed title={t('operator.companies.title')} />;

  const reload = () => refetch({ requestPolicy: 'network-only' });
  function go(next: Partial<CompanyListState>, pages: string[] = []) {
    navigate({ search: companyListSearch({ ...current, after: null, ...next }) }, { state: { pages } });
  }

  const connection = data?.companies;
  const pageNumber = stack.length + 1;
  const companyLabel = (c: OperatorCompanyFragment) => `${c.name} (${c.humanId})`;

  return (
    <div className="page-operator">
      <OperatorNav />
      <div className="section-heading">
        <h1>{t('operator.companies.title')}</h1>
        <button type="button" className="button-primary" onClick={() => setDialog({ kind: 'create' })}>
          {t('operator.create.open')}
        </button>
      </div>

      <p className="notice" role="status">
        {notice}
      </p>

      <CompanySearch key={current.search} search={current.search} onSearch={(search) => go({ search })} />

      {error && (
        <div>
          <ErrorMessage error={error} />
          <button type="button" onClick={reload}>
            {t('operator.retry')}
          </button>
        </div>
      )}
      {!data && fetching && <Loading />}
      {connection && connection.edges.length === 0 && (
        <Empty>
          {current.search ? t('operator.companies.noMatch', { search: current.search }) : t('operator.companies.empty')}
        </Empty>
      )}
      {connection && connection.edges.length > 0 && (
        <table className="simple-table company-table">
          <caption className="visually-hidden">{t('operator.companies.caption', { page: pageNumber })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('operator.companies.humanId')}</th>
              <th scope="col">{t('operator.companies.name')}</th>
              <th scope="col">{t('operator.companies.language')}</th>
              <th scope="col">{t('operator.companies.twoFactor')}</th>
              <th scope="col">{t('operator.companies.autoClose')}</th>
              <th scope="col">{t('operator.companies.reopen')}</th>
              <th scope="col">{t('operator.companies.actions')}</th>
            </tr>
          </thead>
          <tbody aria-busy={fetching}>
            {connection.edges.map(({ node }) => (
              <tr key={node.id}>
                <td data-label={t('operator.companies.humanId')} className="cell-id">
                  {node.humanId}
                </td>
                <td data-label={t('operator.companies.name')} className="cell-title">
                  {node.name}
                  {node.kind === 'PROVIDER' && <span className="badge">{t('operator.companies.provider')}</span>}
                </td>
                <td data-label={t('operator.companies.language')}>{t(`operator.languages.${node.language}`)}</td>
                <td data-label={t('operator.companies.twoFactor')}>
                  {t(node.requireTwoFactor ? 'operator.companies.twoFactorRequired' : 'operator.companies.twoFactorOptional')}
                </td>
                <td data-label={t('operator.companies.autoClose')}>{durationText(node.autoCloseAfterSeconds)}</td>
                <td data-label={t('operator.companies.reopen')}>{durationText(node.reopenWindowSeconds)}</td>
                <td data-label={t('operator.companies.actions')}>
                  {node.kind === 'CUSTOMER' ? (
                    <div className="row-actions">
                      <button type="button" onClick={() => setDialog({ kind: 'durations', company: node })}>
                        {t('operator.companies.editDurations')}
                        <span className="visually-hidden"> {companyLabel(node)}</span>
                      </button>
                      <button type="button" onClick={() => setDialog({ kind: 'securityAdmin', company: node })}>
                        {t('operator.companies.addSecurityAdmin')}
                        <span className="visually-hidden"> {companyLabel(node)}</span>
                      </button>
                    </div>
                  ) : (
                    <span className="muted">{t('operator.companies.noAction')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {connection && (stack.length > 0 || current.after || connection.pageInfo.hasNextPage) && (
        <nav className="pager" aria-label={t('operator.companies.paging')}>
          <button
            type="button"
            disabled={!current.after}
            onClick={() => go({ after: stack[stack.length - 1] || null }, stack.slice(0, -1))}
          >
            {t('operator.companies.previous')}
          </button>
          <span>{t('operator.companies.page', { page: pageNumber })}</span>
          <button
            type="button"
            disabled={!connection.pageInfo.hasNextPage}
            onClick={() => go({ after: connection.pageInfo.endCursor ?? null }, [...stack, current.after ?? ''])}
          >
            {t('operator.companies.next')}
          </button>
        </nav>
      )}

      {dialog?.kind === 'create' && (
        <CreateCompanyDialog
          onClose={(created) => {
            setDialog(null);
            if (!created) return;
            const { company, replayed } = created;
            setNotice(
              t(replayed ? 'operator.create.replayed' : 'operator.create.done', {
                company: company.name,
                humanId: company.humanId,
              }),
            );
            // Show the new company (the list is in creation order: it would be on the last page).
            go({ search: company.humanId });
          }}
        />
      )}
      {dialog?.kind === 'durations' && (
        <DurationsDialog
          company={dialog.company}
          onClose={(saved) => {
            setDialog(null);
            if (!saved) return;
            setNotice(
              t('operator.durations.done', {
                company: saved.name,
                autoClose: durationText(saved.autoCloseAfterSeconds),
                reopen: durationText(saved.reopenWindowSeconds),
              }),
            );
            reload();
          }}
        />
      )}
      {dialog?.kind === 'securityAdmin' && (
        <SecurityAdministratorDialog
          company={dialog.company}
          onClose={(person) => {
            const company = dialog.company;
            setDialog(null);
            if (!person) return;
            setNotice(
              t('operator.securityAdmin.done', {
                name: `${person.firstName} ${person.lastName}`,
                company: company.name,
                email: person.email,
              }),
            );
          }}
        />
      )}
    </div>
  );
}

function CompanySearch({ search, onSearch }: { search: string; onSearch: (search: string) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(search);
  const id = useId();
  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(value.trim());
  }
  return (
    <form className="list-toolbar contact-filters" role="search" onSubmit={submit}>
      <div className="field field-inline">
        <label htmlFor={id}>{t('operator.companies.search')}</label>
        <input id={id} type="search" maxLength={SEARCH_MAX} value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit">{t('operator.companies.searchSubmit')}</button>
        {search && (
          <button type="button" className="button-link" onClick={() => onSearch('')}>
            {t('operator.companies.clearSearch')}
          </button>
        )}
      </div>
    </form>
  );
}
