import { useTranslation } from 'react-i18next';
import { personName } from '../components/format';
import type { RequestData } from './RequestPage';

export function ContactsPanel({ request }: { request: RequestData }) {
  const { t } = useTranslation();
  return (
    <div className="contacts">
      <dl className="details">
        <div>
          <dt>{t('contacts.requester')}</dt>
          <dd>{request.requester ? <Person person={request.requester} /> : t('common.none')}</dd>
        </div>
        <div>
          <dt>{t('contacts.assignee')}</dt>
          <dd>{request.assignee ? <Person person={request.assignee} /> : t('contacts.unassigned')}</dd>
        </div>
        <div>
          <dt>{t('contacts.notifyEmails')}</dt>
          <dd>{request.notifyEmails.length ? request.notifyEmails.join(', ') : t('common.none')}</dd>
        </div>
      </dl>
      <h2>{t('contacts.watchers')}</h2>
      {request.watchers.length === 0 ? (
        <p className="muted">{t('contacts.noWatchers')}</p>
      ) : (
        <ul className="plain-list">
          {request.watchers.map((w, i) => (
            <li key={w.contact?.id ?? i}>
              {w.contact ? <Person person={w.contact} /> : t('common.unknown')}{' '}
              <span className="muted">{w.wantsMail ? t('contacts.getsMail') : t('contacts.noMail')}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Person({ person }: { person: { firstName: string; lastName: string; email: string } }) {
  return (
    <>
      {personName(person)} <span className="muted">&lt;{person.email}&gt;</span>
    </>
  );
}
