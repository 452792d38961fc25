import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { InputProblem } from '../gql/graphql';
import { ErrorMessage } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { reasonMessage } from '../graphql/errors';
import { chooseLanguage, LANGUAGES } from '../i18n';
import { useSession } from '../session';
import { TwoFactorSection } from './TwoFactorSection';

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      done
      problems {
        field
        reason
        message
      }
    }
  }
`);

const SetLanguageDocument = graphql(`
  mutation SetLanguage($input: SetLanguageInput!) {
    setLanguage(input: $input) {
      id
      language
    }
  }
`);

const LogoutEverywhereDocument = graphql(`
  mutation LogoutEverywhere {
    logoutEverywhere
  }
`);

export default function ProfilePage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  usePageTitle(t('profile.title'));
  if (!viewer) return null;
  const contact = viewer.contact;
  return (
    <div className="narrow">
      <h1>{t('profile.title')}</h1>
      <section className="card" aria-labelledby="profile-account">
        <h2 id="profile-account">{t('profile.account')}</h2>
        <dl className="details">
          <div>
            <dt>{t('profile.name')}</dt>
            <dd>{viewer.account.displayName}</dd>
          </div>
          <div>
            <dt>{t('profile.login')}</dt>
            <dd>{viewer.account.login}</dd>
          </div>
          <div>
            <dt>{t('profile.email')}</dt>
            <dd>{viewer.account.email}</dd>
          </div>
          {contact?.company && (
            <div>
              <dt>{t('profile.company')}</dt>
              <dd>
                {contact.company.name} ({contact.company.humanId})
              </dd>
            </div>
          )}
          {contact && (
            <div>
              <dt>{t('profile.roles')}</dt>
              <dd>
                {[
                  contact.providerRole ? t(`roles.${contact.providerRole}`) : null,
                  contact.supportRole ? t(`roles.${contact.supportRole}`) : null,
                  contact.securityAdministrator ? t('roles.SECURITY_ADMINISTRATOR') : null,
                ]
                  .filter(Boolean)
                  .join(', ') || t('common.none')}
              </dd>
            </div>
          )}
          <div>
            <dt>{t('profile.twoFactor')}</dt>
            <dd>
              {viewer.twoFactorEnabled
                ? t('profile.twoFactorOn', { count: viewer.recoveryCodesLeft })
                : t('profile.twoFactorOff')}
            </dd>
          </div>
        </dl>
      </section>
      <TwoFactorSection />
      <LanguageSection />
      <ChangePasswordSection needsCode={viewer.twoFactorEnabled} />
      <LogoutEverywhereSection />
    </div>
  );
}

function LanguageSection() {
  const { t, i18n } = useTranslation();
  const [{ fetching, error }, setLanguage] = useMutation(SetLanguageDocument);
  const [saved, setSaved] = useState(false);
  return (
    <section className="card" aria-labelledby="profile-language">
      <h2 id="profile-language">{t('profile.language')}</h2>
      <fieldset className="radio-group">
        <legend>{t('profile.languageLegend')}</legend>
        {LANGUAGES.map((lang) => (
          <label key={lang}>
            <input
              type="radio"
              name="language"
              value={lang}
              checked={i18n.language === lang}
              disabled={fetching}
              onChange={async () => {
                setSaved(false);
                chooseLanguage(lang);
                // Saved to the account too: the portal's mails follow it.
                const result = await setLanguage({ input: { language: lang === 'fr' ? 'FR' : 'EN' } });
                if (result.data?.setLanguage) setSaved(true);
              }}
            />{' '}
            <span lang={lang}>{lang === 'fr' ? 'Français' : 'English'}</span>
          </label>
        ))}
      </fieldset>
      <p className="hint">{t('profile.languageHint')}</p>
      <p className="notice" role="status">
        {saved ? t('profile.languageSaved') : null}
      </p>
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

function ChangePasswordSection({ needsCode }: { needsCode: boolean }) {
  const { t } = useTranslation();
  const [{ fetching, error }, change] = useMutation(ChangePasswordDocument);
  const [current, setCurrent] = useState('');
  const [code, setCode] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [done, setDone] = useState(false);
  const ids = { current: useId(), code: useId(), next: useId(), confirm: useId() };

  const problemOf = (field: string) => problems.find((p) => p.field === field || p.field.endsWith(`.${field}`));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    const local: InputProblem[] = [];
    if (!current) local.push({ field: 'currentPassword', reason: 'REQUIRED', message: '' });
    if (needsCode && !code.trim()) local.push({ field: 'code', reason: 'REQUIRED', message: '' });
    if (!next) local.push({ field: 'newPassword', reason: 'REQUIRED', message: '' });
    else if (next !== confirm) local.push({ field: 'confirmPassword', reason: 'MISMATCH' as InputProblem['reason'], message: '' });
    setProblems(local);
    if (local.length) return;
    const result = await change({
      input: { currentPassword: current, newPassword: next, ...(needsCode ? { code: code.trim() } : {}) },
    });
    const payload = result.data?.changePassword;
    if (!payload) return;
    setProblems(payload.problems);
    if (payload.done) {
      setDone(true);
      setCurrent('');
      setCode('');
      setNext('');
      setConfirm('');
    }
  }

  const field = (
    name: string,
    id: string,
    label: string,
    value: string,
    set: (v: string) => void,
    extra: React.InputHTMLAttributes<HTMLInputElement>,
  ) => {
    const problem = problemOf(name);
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          value={value}
          onChange={(e) => set(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          {...extra}
        />
        {problem && (
          <p className="field-problem" id={`${id}-problem`}>
            {problem.reason === ('MISMATCH' as InputProblem['reason'])
              ? t('profile.mismatch')
              : reasonMessage(t, problem.reason, problem.message)}
          </p>
        )}
      </div>
    );
  };

  return (
    <section className="card" aria-labelledby="profile-password">
      <h2 id="profile-password">{t('profile.changePassword')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        {error && <ErrorMessage error={error} />}
        {done && (
          <p className="status status-ok" role="status">
            {t('profile.passwordChanged')}
          </p>
        )}
        {field('currentPassword', ids.current, t('profile.currentPassword'), current, setCurrent, {
          type: 'password',
          autoComplete: 'current-password',
        })}
        {needsCode &&
          field('code', ids.code, t('login.code'), code, setCode, {
            autoComplete: 'one-time-code',
            inputMode: 'numeric',
          })}
        {field('newPassword', ids.next, t('profile.newPassword'), next, setNext, {
          type: 'password',
          autoComplete: 'new-password',
        })}
        <p className="hint">{t('profile.passwordRules')}</p>
        {field('confirmPassword', ids.confirm, t('profile.confirmPassword'), confirm, setConfirm, {
          type: 'password',
          autoComplete: 'new-password',
        })}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t('profile.changePasswordSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function LogoutEverywhereSection() {
  const { t } = useTranslation();
  const { restart } = useSession();
  const navigate = useNavigate();
  const [{ fetching, error }, logoutEverywhere] = useMutation(LogoutEverywhereDocument);
  return (
    <section className="card" aria-labelledby="profile-sessions">
      <h2 id="profile-sessions">{t('profile.sessions')}</h2>
      <p>{t('profile.logoutEverywhereHint')}</p>
      {error && <ErrorMessage error={error} />}
      <button
        type="button"
        disabled={fetching}
        onClick={async () => {
          const result = await logoutEverywhere({});
          if (!result.error) {
            navigate('/login', { replace: true });
            restart();
          }
        }}
      >
        {t('profile.logoutEverywhere')}
      </button>
    </section>
  );
}
