import { useTranslation } from 'react-i18next';
import { personName, useFormat } from '../components/format';
import { Empty } from '../components/Status';
import { attachmentHref } from './attachmentHref';
import type { RequestData } from './RequestPage';

type Attachment = RequestData['attachments'][number];

export function AttachmentList({ attachments }: { attachments: Pick<Attachment, 'id' | 'fileName' | 'sizeBytes' | 'url'>[] }) {
  const format = useFormat();
  return (
    <ul className="attachments">
      {attachments.map((a) => (
        <li key={a.id}>
          <a href={attachmentHref(a.url)} download={a.fileName}>
            {a.fileName}
          </a>{' '}
          <span className="muted">({format.bytes(a.sizeBytes)})</span>
        </li>
      ))}
    </ul>
  );
}

export function AttachmentsPanel({ attachments }: { attachments: Attachment[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (attachments.length === 0) return <Empty>{t('request.noAttachments')}</Empty>;
  return (
    <table className="simple-table">
      <caption className="visually-hidden">{t('request.tabs.attachments')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('attachments.file')}</th>
          <th scope="col">{t('attachments.size')}</th>
          <th scope="col">{t('attachments.by')}</th>
          <th scope="col">{t('attachments.when')}</th>
        </tr>
      </thead>
      <tbody>
        {attachments.map((a) => (
          <tr key={a.id}>
            <td data-label={t('attachments.file')}>
              <a href={attachmentHref(a.url)} download={a.fileName}>
                {a.fileName}
              </a>
            </td>
            <td data-label={t('attachments.size')}>{format.bytes(a.sizeBytes)}</td>
            <td data-label={t('attachments.by')}>{personName(a.uploadedBy)}</td>
            <td data-label={t('attachments.when')}>{format.dateTime(a.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
