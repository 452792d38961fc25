import type { CombinedError } from '@urql/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../graphql/errors';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="status status-loading" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}

export function ErrorMessage({ error, id }: { error: CombinedError; id?: string }) {
  const { t } = useTranslation();
  return (
    <p className="status status-error" role="alert" id={id}>
      {errorMessage(t, error)}
    </p>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="status status-empty">{children}</p>;
}
