import { Suspense, useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { chooseLanguage, LANGUAGES, type Lang } from '../i18n';
import { useSession } from '../session';
import { canAdministerContacts, canCreateRequests, canOperatePlatform, canReadAudit } from '../capabilities';
import { ErrorMessage, Loading } from './Status';

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

const SwitchCompanyDocument = graphql(`
  mutation SwitchCompany($input: SwitchCompanyInput!) {
    switchCompany(input: $input) {
      contact {
        id
      }
    }
  }
`);

export function Layout() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const location = useLocation();
  const canCreate = canCreateRequests(viewer);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a navigation, put the keyboard and screen reader focus at the start of the new screen.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: false });
  }, [location.pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <Link to="/" className="brand">
            {t('app.name')}
          </Link>
          {viewer && (
            <nav aria-label={t('shell.mainNavigation')} className="main-nav">
              <ul>
                <li>
                  <NavLink to="/requests" end>
                    {t('nav.requests')}
                  </NavLink>
                </li>
                {canCreate && (
                  <li>
                    <NavLink to="/requests/new">{t('nav.newRequest')}</NavLink>
                  </li>
                )}
                {canAdministerContacts(viewer) && (
                  <li>
                    <NavLink to="/contacts">{t('nav.contacts')}</NavLink>
                  </li>
                )}
                {canReadAudit(viewer) && (
                  <li>
                    <NavLink to="/audit">{t('nav.audit')}</NavLink>
                  </li>
                )}
                {canOperatePlatform(viewer) && (
                  <li>
                    <NavLink to="/operator">{t('operator.nav')}</NavLink>
                  </li>
                )}
                <li>
                  <NavLink to="/profile">{t('nav.profile')}</NavLink>
                </li>
              </ul>
            </nav>
          )}
          <div className="header-tools">
            {viewer && (
              <span className="who">
                <span className="who-name">{viewer.account.displayName}</span>
                {viewer.memberships.length <= 1 && viewer.contact?.company && (
                  <span className="who-company">{viewer.contact.company.name}</span>
                )}
              </span>
            )}
            {viewer && viewer.memberships.length > 1 && <CompanySwitcher />}
            <LanguageSwitch />
            {viewer && <LogoutButton />}
          </div>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const names: Record<Lang, string> = { en: 'English', fr: 'Français' };
  return (
    <div className="lang-switch" role="group" aria-label={t('shell.language')}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          aria-label={names[lang]}
          aria-pressed={i18n.language === lang}
          onClick={() => chooseLanguage(lang)}
        >
          {lang.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

function LogoutButton() {
  const { t } = useTranslation();
  const { restart } = useSession();
  const navigate = useNavigate();
  const [{ fetching }, logout] = useMutation(LogoutDocument);
  return (
    <button
      type="button"
      className="button-quiet"
      disabled={fetching}
      onClick={async () => {
        await logout({});
        restart();
        navigate('/login', { replace: true });
      }}
    >
      {t('shell.logout')}
    </button>
  );
}

function CompanySwitcher() {
  const { t } = useTranslation();
  const { viewer, restart } = useSession();
  const navigate = useNavigate();
  const [{ fetching, error }, switchCompany] = useMutation(SwitchCompanyDocument);
  const [shown, setShown] = useState<string | null>(null);
  if (!viewer) return null;
  const current = viewer.contact?.company?.id ?? '';
  return (
    <div className="company-switch">
      <label htmlFor="company-switch">{t('shell.company')}</label>
      <select
        id="company-switch"
        value={shown ?? current}
        disabled={fetching}
        onChange={async (event) => {
          const companyId = event.target.value;
          setShown(companyId);
          const result = await switchCompany({ input: { companyId } });
          if (!result.error) {
            restart();
            navigate('/requests');
          } else {
            setShown(null);
          }
        }}
      >
        {viewer.memberships.map((m) =>
          m.company ? (
            <option key={m.company.id} value={m.company.id}>
              {m.company.name}
            </option>
          ) : null,
        )}
      </select>
      {error && <ErrorMessage error={error} />}
    </div>
  );
}
