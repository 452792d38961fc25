import type { DraftQuery, RequestCategory, RequestFormInput, RequestKind, Urgency } from '../gql/graphql';

/** What the new-request form holds: everything as typed (strings), checkboxes as booleans. */
export interface RequestFormValues {
  category: RequestCategory | '';
  kind: RequestKind | '';
  urgency: Urgency | '';
  title: string;
  description: string;
  product: string;
  module: string;
  os: string;
  browser: string;
  version: string;
  regression: boolean;
  startedOn: string;
  happenedBefore: '' | 'yes' | 'no';
  affectedUsers: string;
  externalReference: string;
  tag: string;
  notifyEmails: string;
  followUp: boolean;
}

export const EMPTY_REQUEST_FORM: RequestFormValues = {
  category: '',
  kind: '',
  urgency: '',
  title: '',
  description: '',
  product: '',
  module: '',
  os: '',
  browser: '',
  version: '',
  regression: false,
  startedOn: '',
  happenedBefore: '',
  affectedUsers: '',
  externalReference: '',
  tag: '',
  notifyEmails: '',
  followUp: true,
};

export type Draft = NonNullable<DraftQuery['request']>;

/** The form as a saved draft fills it. */
export function fromDraft(
  d: Pick<
    Draft,
    | 'category'
    | 'kind'
    | 'urgency'
    | 'title'
    | 'description'
    | 'product'
    | 'environment'
    | 'regression'
    | 'startedOn'
    | 'happenedBefore'
    | 'affectedUsers'
    | 'externalReference'
    | 'tag'
    | 'notifyEmails'
    | 'followUp'
  >,
): RequestFormValues {
  return {
    category: d.category ?? '',
    kind: d.kind ?? '',
    urgency: d.urgency ?? '',
    title: d.title ?? '',
    description: d.description ?? '',
    product: d.product ?? '',
    module: d.environment.module ?? '',
    os: d.environment.os ?? '',
    browser: d.environment.browser ?? '',
    version: d.environment.version ?? '',
    regression: d.regression,
    startedOn: d.startedOn ?? '',
    happenedBefore: d.happenedBefore == null ? '' : d.happenedBefore ? 'yes' : 'no',
    affectedUsers: d.affectedUsers == null ? '' : String(d.affectedUsers),
    externalReference: d.externalReference ?? '',
    tag: d.tag ?? '',
    notifyEmails: d.notifyEmails.join(', '),
    followUp: d.followUp,
  };
}

const text = (v: string) => (v.trim() ? v.trim() : null);

/** The form as the API takes it: blanks become null, the kind only for software usage. */
export function toInput(v: RequestFormValues): RequestFormInput {
  const users = v.affectedUsers.trim() === '' ? null : Number(v.affectedUsers);
  return {
    category: v.category || null,
    kind: v.category === 'SOFTWARE_USAGE' ? v.kind || null : null,
    urgency: v.urgency || null,
    title: text(v.title),
    description: text(v.description),
    product: text(v.product),
    environment: { module: text(v.module), os: text(v.os), browser: text(v.browser), version: text(v.version) },
    regression: v.regression,
    startedOn: text(v.startedOn),
    happenedBefore: v.happenedBefore === '' ? null : v.happenedBefore === 'yes',
    affectedUsers: users !== null && Number.isFinite(users) ? Math.trunc(users) : null,
    externalReference: text(v.externalReference),
    tag: text(v.tag),
    notifyEmails: v.notifyEmails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
    followUp: v.followUp,
  };
}

/** The form field (its element ID) a problem is about; environment fields are nested. */
export function fieldId(field: string): string {
  const last = field.split('.').pop() ?? field;
  return `req-${last}`;
}

/** The catalogue key of the label of a problem's field (the recap names it), or null when unknown. */
export function fieldLabelKey(field: string) {
  const last = field.split('.').pop() ?? field;
  const keys = {
    category: 'fields.category',
    kind: 'fields.kind',
    urgency: 'fields.urgency',
    title: 'fields.title',
    description: 'fields.description',
    product: 'fields.product',
    module: 'fields.envModule',
    os: 'fields.envOs',
    browser: 'fields.envBrowser',
    version: 'fields.envVersion',
    startedOn: 'fields.startedOn',
    affectedUsers: 'fields.affectedUsers',
    externalReference: 'fields.externalReference',
    tag: 'fields.tag',
    notifyEmails: 'newRequest.notifyEmails',
  } as const;
  return Object.hasOwn(keys, last) ? (keys as Record<string, (typeof keys)[keyof typeof keys]>)[last]! : null;
}
