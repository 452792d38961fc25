import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { InputProblem } from '../gql/graphql';
import { ErrorMessage } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { reasonMessage } from '../graphql/errors';

const ActivateAccountDocument = graphql(`
  mutation ActivateAccount($input: LinkPasswordInput!) {
    activateAccount(input: $input) {
      done
      problems {
        field
        reason
        message
      }
    }
  }
`);

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($input: LinkPasswordInput!) {
    resetPassword(input: $input) {
      done
      problems {
        field
        reason
        message
      }
    }
  }
`);

/** The token of a mailed link: in the fragment (`#token=…`), which browsers never send to a server. */
function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

/**
 * Choosing a password through a mailed link: the first one (`/account/setup`, welcome mail)
 * or a new one (`/account/reset`). The token goes to the mutation only, and leaves the
 * address bar at once.
 */
export default function SetPasswordPage({ mode }: { mode: 'setup' | 'reset' }) {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromHash(location.hash));
  const [activate, activateAccount] = useMutation(ActivateAccountDocument);
  const [reset, resetPassword] = useMutation(ResetPasswordDocument);
  const { fetching, error } = mode === 'setup' ? activate : reset;
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [done, setDone] = useState(false);
  const ids = { password: useId(), confirm: useId(), rules: useId() };
  const title = mode === 'setup' ? t('setPassword.setupTitle') : t('setPassword.resetTitle');
  usePageTitle(title);

  // Keep the token out of the address bar, the history and any later Referer.
  useEffect(() => {
    if (location.hash) navigate({ pathname: location.pathname, search: location.search }, { replace: true });
  }, [location.hash, location.pathname, location.search, navigate]);

  const problemOf = (field: string) => problems.find((p) => p.field === field || p.field.endsWith(`.${field}`));
  const tokenProblem = problemOf('token');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: InputProblem[] = [];
    if (!password) local.push({ field: 'password', reason: 'REQUIRED', message: '' });
    else if (password !== confirm) local.push({ field: 'confirm', reason: 'MISMATCH' as InputProblem['reason'], message: '' });
    setProblems(local);
    if (local.length) return;
    const input = { token, password };
    const result = mode === 'setup' ? await activateAccount({ input }) : await resetPassword({ input });
    const payload = result.data && ('activateAccount' in result.data ? result.data.activateAccount : result.data.resetPassword);
    if (!payload) return;
    setProblems(payload.problems);
    if (payload.done) {
      setDone(true);
      setPassword('');
      setConfirm('');
    }
  }

  if (!token) {
    return (
      <div className="narrow">
        <h1>{title}</h1>
        <div className="card">
          <p className="status status-error" role="alert">
            {t('setPassword.noToken')}
          </p>
          <p>
            <Link to="/forgot-password">{t('setPassword.askNewLink')}</Link>
          </p>
        </div>
      </div>
    );
  }

  if (done) {
    return (
      <div className="narrow">
        <h1>{title}</h1>
        <div className="card">
          <p className="status status-ok" role="status">
            {mode === 'setup' ? t('setPassword.setupDone') : t('setPassword.resetDone')}
          </p>
          <p>
            <Link to="/login">{t('setPassword.goToLogin')}</Link>
          </p>
        </div>
      </div>
    );
  }

  const field = (name: 'password' | 'confirm', id: string, label: string, value: string, set: (v: string) => void) => {
    const problem = problemOf(name);
    const described = [name === 'password' ? ids.rules : null, problem ? `${id}-problem` : null].filter(Boolean).join(' ');
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="password"
          autoComplete="new-password"
          maxLength={128}
          value={value}
          onChange={(e) => set(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={described || undefined}
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
    <div className="narrow">
      <h1>{title}</h1>
      <form className="card form" onSubmit={submit} noValidate>
        <p>{mode === 'setup' ? t('setPassword.setupIntro') : t('setPassword.resetIntro')}</p>
        {error && <ErrorMessage error={error} />}
        {tokenProblem && (
          <div className="status status-error" role="alert">
            <p>{t('setPassword.linkInvalid')}</p>
            <p>
              <Link to="/forgot-password">{t('setPassword.askNewLink')}</Link>
            </p>
          </div>
        )}
        {field('password', ids.password, t('profile.newPassword'), password, setPassword)}
        <p className="hint" id={ids.rules}>
          {t('profile.passwordRules')}
        </p>
        {field('confirm', ids.confirm, t('profile.confirmPassword'), confirm, setConfirm)}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {mode === 'setup' ? t('setPassword.setupSubmit') : t('setPassword.resetSubmit')}
          </button>
        </div>
      </form>
    </div>
  );
}
