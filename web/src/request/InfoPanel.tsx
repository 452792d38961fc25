import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../components/format';
import type { RequestData } from './RequestPage';

export function InfoPanel({ request }: { request: RequestData }) {
  const { t } = useTranslation();
  const format = useFormat();
  const yesNo = (v: boolean | null | undefined) => (v == null ? null : v ? t('common.yes') : t('common.no'));
  const env = request.environment;
  const rows: [string, ReactNode][] = [
    [t('fields.company'), request.company ? `${request.company.name} (${request.company.humanId})` : null],
    [t('fields.category'), request.category ? t(`categories.${request.category}`) : null],
    [t('fields.kind'), request.kind ? t(`kinds.${request.kind}`) : null],
    [t('fields.urgency'), request.urgency ? t(`urgencies.${request.urgency}`) : null],
    [t('fields.product'), request.product],
    [t('fields.envModule'), env.module],
    [t('fields.envOs'), env.os],
    [t('fields.envBrowser'), env.browser],
    [t('fields.envVersion'), env.version],
    [t('fields.regression'), yesNo(request.regression)],
    [t('fields.startedOn'), format.day(request.startedOn)],
    [t('fields.happenedBefore'), yesNo(request.happenedBefore)],
    [t('fields.affectedUsers'), request.affectedUsers != null ? String(request.affectedUsers) : null],
    [t('fields.externalReference'), request.externalReference],
    [t('fields.tag'), request.tag],
    [t('fields.followUp'), yesNo(request.followUp)],
    [
      t('followUp.of'),
      request.followUpOf?.humanId ? (
        <Link to={`/requests/${request.followUpOf.humanId}`}>
          {request.followUpOf.humanId}
          {request.followUpOf.title ? ` – ${request.followUpOf.title}` : ''}
        </Link>
      ) : null,
    ],
    [t('fields.createdAt'), format.dateTime(request.createdAt)],
    [t('fields.submittedAt'), format.dateTime(request.submittedAt)],
    [t('fields.updatedAt'), format.dateTime(request.updatedAt)],
    [t('fields.closedAt'), format.dateTime(request.closedAt)],
    [t('fields.autoCloseAt'), format.dateTime(request.autoCloseAt)],
    [t('fields.reopenableUntil'), format.dateTime(request.reopenableUntil)],
  ];
  return (
    <div className="info">
      <section aria-labelledby="info-description">
        <h2 id="info-description">{t('fields.description')}</h2>
        <p className="prose">{request.description || t('common.none')}</p>
      </section>
      <section aria-labelledby="info-details">
        <h2 id="info-details">{t('request.details')}</h2>
        <dl className="details">
          {rows
            .filter(([, value]) => value !== null && value !== undefined && value !== '')
            .map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
        </dl>
      </section>
    </div>
  );
}
