import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { ErrorMessage } from '../components/Status';
import { usePageTitle } from '../components/usePageTitle';

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) {
      accepted
    }
  }
`);

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t('forgot.title'));
  const [{ fetching, error, data }, request] = useMutation(RequestPasswordResetDocument);
  const [address, setAddress] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    await request({ input: { address: address.trim() } });
  }

  return (
    <div className="narrow">
      <h1>{t('forgot.title')}</h1>
      {data?.requestPasswordReset ? (
        <div className="card">
          <p role="status">{t('forgot.sent')}</p>
          <p>
            <Link to="/login">{t('forgot.backToLogin')}</Link>
          </p>
        </div>
      ) : (
        <form className="card form" onSubmit={submit} noValidate>
          <p>{t('forgot.intro')}</p>
          {error && <ErrorMessage error={error} />}
          <div className="field">
            <label htmlFor="reset-address">{t('forgot.address')}</label>
            <input
              id="reset-address"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={address}
              onChange={(e) => setAddress(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={fetching || !address.trim()}>
              {t('forgot.submit')}
            </button>
            <Link to="/login">{t('forgot.backToLogin')}</Link>
          </div>
        </form>
      )}
    </div>
  );
}
