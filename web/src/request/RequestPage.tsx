import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { RequestAction, RequestQuery } from '../gql/graphql';
import { ErrorMessage, Loading } from '../components/Status';
import { Tabs } from '../components/Tabs';
import { usePageTitle } from '../components/usePageTitle';
import { firstCode } from '../graphql/errors';
import { ActionDialog } from './ActionDialog';
import { AttachmentsPanel } from './AttachmentsPanel';
import { ContactsPanel } from './ContactsPanel';
import { HistoryPanel } from './HistoryPanel';
import { InfoPanel } from './InfoPanel';
import { MessagesPanel } from './MessagesPanel';
import { SupportTools } from './SupportTools';
import { canCreateRequests } from '../capabilities';
import { useSession } from '../session';
import { personName } from '../components/format';

const RequestDocument = graphql(`
  query Request($humanId: String!) {
    request(humanId: $humanId) {
      id
      humanId
      title
      state
      version
      category
      kind
      urgency
      description
      product
      environment {
        module
        os
        browser
        version
      }
      regression
      startedOn
      happenedBefore
      affectedUsers
      externalReference
      tag
      notifyEmails
      followUp
      followUpOf {
        id
        humanId
        title
      }
      company {
        id
        humanId
        name
      }
      requester {
        id
        firstName
        lastName
        email
      }
      assignee {
        id
        firstName
        lastName
        email
      }
      createdAt
      updatedAt
      submittedAt
      closedAt
      autoCloseAt
      reopenableUntil
      actions {
        action
        textRequired
      }
      attachments {
        id
        fileName
        contentType
        sizeBytes
        url
        messageId
        createdAt
        uploadedBy {
          id
          firstName
          lastName
        }
      }
      watchers {
        wantsMail
        addedAt
        contact {
          id
          firstName
          lastName
          email
        }
      }
    }
  }
`);

export type RequestData = NonNullable<RequestQuery['request']>;

const TAB_KEYS = ['information', 'messages', 'attachments', 'history', 'contacts'] as const;
type TabKey = (typeof TAB_KEYS)[number];

/** The lifecycle buttons; messages have their own form and the portal alone auto-closes. */
const BUTTON_ACTIONS: RequestAction[] = [
  'CLARIFY',
  'VALIDATE_CLOSURE',
  'REFUSE_CLOSURE',
  'REQUEST_CLARIFICATION',
  'PAUSE_FOR_EXTERNAL',
  'RESUME',
  'SEND_TO_RND',
  'DELIVER_CORRECTION',
  'PROPOSE_CLOSURE',
  'CLOSE',
  'REOPEN',
];

export default function RequestPage() {
  const { humanId = '' } = useParams();
  const { t } = useTranslation();
  const { viewer } = useSession();
  const [params, setParams] = useSearchParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: RequestDocument, variables: { humanId } });
  const [action, setAction] = useState<RequestAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [composeRequest, setComposeRequest] = useState(0);
  const [messagesReload, setMessagesReload] = useState(0);

  const request = data?.request ?? null;
  const notFound = (data && !request) || (error && ['NOT_FOUND', 'BAD_USER_INPUT'].includes(firstCode(error)));
  usePageTitle(request ? `${request.humanId ?? ''} ${request.title ?? ''}`.trim() : notFound ? t('request.notFoundTitle') : humanId);

  const tab: TabKey = TAB_KEYS.find((k) => k === params.get('tab')) ?? 'information';
  function selectTab(key: TabKey) {
    const next = new URLSearchParams(params);
    if (key === 'information') next.delete('tab');
    else next.set('tab', key);
    setParams(next, { replace: true });
  }

  if (notFound) {
    return (
      <div className="narrow">
        <h1>{t('request.notFoundTitle')}</h1>
        <p>{t('request.notFound', { humanId })}</p>
        <p>
          <Link to="/requests">{t('request.backToList')}</Link>
        </p>
      </div>
    );
  }
  if (error && !request) return <ErrorMessage error={error} />;
  if (!request) return fetching ? <Loading /> : null;

  const available = request.actions.map((a) => a.action);
  const buttons = BUTTON_ACTIONS.filter((a) => available.includes(a));
  const canMessage = available.includes('ADD_MESSAGE');
  const fileCount = request.attachments.length;

  return (
    <article className="request">
      <p className="breadcrumb">
        <Link to="/requests">{t('request.backToList')}</Link>
      </p>
      <header className="request-header">
        <p className="request-id">{request.humanId}</p>
        <h1>{request.title || t('requests.untitled')}</h1>
        <p className="request-meta">
          <span className={`badge state-${request.state.toLowerCase()}`}>{t(`states.${request.state}`)}</span>
          {request.urgency && (
            <span className="badge">
              {t('fields.urgency')}: {t(`urgencies.${request.urgency}`)}
            </span>
          )}
          {request.state !== 'DRAFT' && (
            <span className="badge">
              {t('contacts.assignee')}: {request.assignee ? personName(request.assignee) : t('contacts.unassigned')}
            </span>
          )}
        </p>
      </header>

      {(buttons.length > 0 || canMessage) && (
        <div className="action-bar" role="group" aria-label={t('request.actions')}>
          {buttons.map((a) => (
            <button key={a} type="button" className={primaryActions.has(a) ? 'button-primary' : ''} onClick={() => setAction(a)}>
              {t(`actions.${a}`)}
            </button>
          ))}
          {canMessage && (
            <button
              type="button"
              onClick={() => {
                selectTab('messages');
                setComposeRequest((n) => n + 1);
              }}
            >
              {t('actions.ADD_MESSAGE')}
            </button>
          )}
        </div>
      )}
      {request.state === 'CLOSED' && canCreateRequests(viewer) && request.humanId && (
        <p className="follow-up-offer">
          <Link className="button" to={`/requests/new?followUpOf=${encodeURIComponent(request.humanId)}`}>
            {t('followUp.open')}
          </Link>{' '}
          <span className="hint">{t('followUp.hint')}</span>
        </p>
      )}
      <SupportTools
        request={request}
        onStale={() => {
          setNotice(null);
          refetch({ requestPolicy: 'network-only' });
        }}
        onDone={(message) => {
          setNotice(message);
          refetch({ requestPolicy: 'network-only' });
        }}
      />
      <p className="notice" role="status">
        {notice}
      </p>

      <Tabs
        id="request-tabs"
        label={t('request.sections')}
        selected={tab}
        onSelect={selectTab}
        items={TAB_KEYS.map((key) => ({
          key,
          label: key === 'attachments' && fileCount > 0 ? `${t(`request.tabs.${key}`)} (${fileCount})` : t(`request.tabs.${key}`),
        }))}
      >
        {tab === 'information' && <InfoPanel request={request} />}
        {tab === 'messages' && (
          <MessagesPanel
            request={request}
            canMessage={canMessage}
            composeRequest={composeRequest}
            reload={messagesReload}
            onSent={() => {
              setNotice(t('request.messageSent'));
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        )}
        {tab === 'attachments' && <AttachmentsPanel attachments={request.attachments} />}
        {tab === 'history' && <HistoryPanel requestId={request.id} />}
        {tab === 'contacts' && <ContactsPanel request={request} />}
      </Tabs>

      {action && (
        <ActionDialog
          request={request}
          action={action}
          onStale={() => refetch({ requestPolicy: 'network-only' })}
          onClose={(done, withFiles) => {
            setAction(null);
            // A multipart request bypasses urql's cache: read the messages again.
            if (withFiles) setMessagesReload((n) => n + 1);
            if (done) {
              setNotice(t('request.actionDone', { action: t(`actions.${done}`) }));
              refetch({ requestPolicy: 'network-only' });
            }
          }}
        />
      )}
    </article>
  );
}

const primaryActions = new Set<RequestAction>(['CLARIFY', 'VALIDATE_CLOSURE', 'PROPOSE_CLOSURE', 'REQUEST_CLARIFICATION']);
