import { useId, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { ErrorMessage, Loading } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';
import { safeNext, useSession } from '../session';

const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      status
      challenge
      challengeExpiresAt
    }
  }
`);

const CompleteLoginDocument = graphql(`
  mutation CompleteLogin($input: CompleteLoginInput!) {
    completeLogin(input: $input) {
      sessionToken
    }
  }
`);

export default function LoginPage() {
  const { t } = useTranslation();
  const { viewer, loading, restart } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [challenge, setChallenge] = useState<string | null>(null);
  usePageTitle(challenge ? t('login.secondFactorTitle') : t('login.title'));

  if (loading) return <Loading />;
  if (viewer) return <Navigate to={next} replace />;

  const signedIn = () => {
    navigate(next, { replace: true });
    restart();
  };

  return (
    <div className="narrow">
      {challenge ? (
        <SecondFactorStep challenge={challenge} onSignedIn={signedIn} onRestart={() => setChallenge(null)} />
      ) : (
        <PasswordStep onSignedIn={signedIn} onSecondFactor={setChallenge} />
      )}
    </div>
  );
}

function PasswordStep({
  onSignedIn,
  onSecondFactor,
}: {
  onSignedIn: () => void;
  onSecondFactor: (challenge: string) => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, login] = useMutation(LoginDocument);
  const [loginName, setLoginName] = useState('');
  const [password, setPassword] = useState('');
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await login({ input: { login: loginName.trim(), password, delivery: 'COOKIE' } });
    const payload = result.data?.login;
    if (!payload) {
      setPassword('');
      return;
    }
    if (payload.status === 'SECOND_FACTOR_REQUIRED' && payload.challenge) onSecondFactor(payload.challenge);
    else onSignedIn();
  }

  return (
    <>
      <h1>{t('login.title')}</h1>
      <form className="card form" onSubmit={submit} noValidate aria-describedby={error ? errorId : undefined}>
        {error && <ErrorMessage error={error} id={errorId} />}
        <div className="field">
          <label htmlFor="login-name">{t('login.login')}</label>
          <input
            id="login-name"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={loginName}
            onChange={(e) => setLoginName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching || !loginName || !password}>
            {fetching ? t('login.signingIn') : t('login.signIn')}
          </button>
          <Link to="/forgot-password">{t('login.forgotPassword')}</Link>
        </div>
      </form>
    </>
  );
}

function SecondFactorStep({
  challenge,
  onSignedIn,
  onRestart,
}: {
  challenge: string;
  onSignedIn: () => void;
  onRestart: () => void;
}) {
  const { t } = useTranslation();
  const [{ fetching, error }, complete] = useMutation(CompleteLoginDocument);
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = code.trim();
    const result = await complete({
      input: {
        challenge,
        delivery: 'COOKIE',
        ...(useRecovery ? { recoveryCode: value } : { code: value.replace(/\s+/g, '') }),
      },
    });
    if (result.data?.completeLogin) onSignedIn();
    else setCode('');
  }

  return (
    <>
      <h1>{t('login.secondFactorTitle')}</h1>
      <form className="card form" onSubmit={submit} noValidate aria-describedby={error ? errorId : undefined}>
        {error && <ErrorMessage error={error} id={errorId} />}
        <div className="field">
          <label htmlFor="login-code">{useRecovery ? t('login.recoveryCode') : t('login.code')}</label>
          <p className="hint" id="login-code-hint">
            {useRecovery ? t('login.recoveryCodeHint') : t('login.codeHint')}
          </p>
          <input
            id="login-code"
            key={useRecovery ? 'recovery' : 'totp'}
            name={useRecovery ? 'recovery-code' : 'one-time-code'}
            autoComplete="one-time-code"
            inputMode={useRecovery ? 'text' : 'numeric'}
            aria-describedby="login-code-hint"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching || !code.trim()}>
            {fetching ? t('login.verifying') : t('login.verify')}
          </button>
          <button
            type="button"
            className="button-link"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setCode('');
            }}
          >
            {useRecovery ? t('login.useCode') : t('login.useRecoveryCode')}
          </button>
          <button type="button" className="button-link" onClick={onRestart}>
            {t('login.startAgain')}
          </button>
        </div>
      </form>
    </>
  );
}
