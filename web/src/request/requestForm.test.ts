import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import { problemFor } from '../forms';
import { EMPTY_REQUEST_FORM, fieldId, fieldLabelKey, fromDraft, toInput, type RequestFormValues } from './requestForm';

const filled: RequestFormValues = {
  ...EMPTY_REQUEST_FORM,
  category: 'SOFTWARE_USAGE',
  kind: 'HOW_TO',
  urgency: 'LOW',
  title: '  Mise à jour du stock par script  ',
  description: 'Comment automatiser la mise à jour du référentiel métier ?',
  product: 'Iterop Design',
  module: 'Design',
  os: ' Windows 11 ',
  browser: '',
  version: '   ',
  regression: true,
  startedOn: '2026-12-01',
  happenedBefore: 'no',
  affectedUsers: '3',
  externalReference: 'PA-42',
  tag: 'Script',
  notifyEmails: 'chef@pieces-auto.example, stock@pieces-auto.example;  it@pieces-auto.example\n',
  followUp: false,
};

describe('toInput', () => {
  it('sends blanks as null and trims text', () => {
    const input = toInput(EMPTY_REQUEST_FORM);
    expect(input).toEqual({
      category: null,
      kind: null,
      urgency: null,
      title: null,
      description: null,
      product: null,
      environment: { module: null, os: null, browser: null, version: null },
      regression: false,
      startedOn: null,
      happenedBefore: null,
      affectedUsers: null,
      externalReference: null,
      tag: null,
      notifyEmails: [],
      followUp: true,
    });
  });

  it('builds the API input of a filled form', () => {
    const input = toInput(filled);
    expect(input.title).toBe('Mise à jour du stock par script');
    expect(input.environment).toEqual({ module: 'Design', os: 'Windows 11', browser: null, version: null });
    expect(input.happenedBefore).toBe(false);
    expect(input.affectedUsers).toBe(3);
    expect(input.notifyEmails).toEqual(['chef@pieces-auto.example', 'stock@pieces-auto.example', 'it@pieces-auto.example']);
    expect(input.followUp).toBe(false);
    expect(input.regression).toBe(true);
  });

  it('sends the kind only with the software usage category', () => {
    expect(toInput({ ...filled, category: 'LICENSE_KEYS' }).kind).toBeNull();
    expect(toInput({ ...filled, kind: '' }).kind).toBeNull();
    expect(toInput(filled).kind).toBe('HOW_TO');
  });

  it('reads the number of affected users leniently', () => {
    expect(toInput({ ...filled, affectedUsers: '12.9' }).affectedUsers).toBe(12);
    expect(toInput({ ...filled, affectedUsers: ' ' }).affectedUsers).toBeNull();
    expect(toInput({ ...filled, affectedUsers: 'many' }).affectedUsers).toBeNull();
    expect(toInput({ ...filled, affectedUsers: 'Infinity' }).affectedUsers).toBeNull();
    // The API, not the form, refuses out-of-range numbers.
    expect(toInput({ ...filled, affectedUsers: '-2' }).affectedUsers).toBe(-2);
  });

  it('maps "happened before" to a yes / no / unknown value', () => {
    expect(toInput({ ...filled, happenedBefore: 'yes' }).happenedBefore).toBe(true);
    expect(toInput({ ...filled, happenedBefore: '' }).happenedBefore).toBeNull();
  });
});

describe('fromDraft', () => {
  it('fills the form from a draft, and back to the same input', () => {
    const draft = {
      ...toInput(filled),
      notifyEmails: toInput(filled).notifyEmails ?? [],
      regression: true,
      followUp: false,
      environment: { module: 'Design', os: 'Windows 11', browser: null, version: null },
    };
    const values = fromDraft(draft as Parameters<typeof fromDraft>[0]);
    expect(values.notifyEmails).toBe('chef@pieces-auto.example, stock@pieces-auto.example, it@pieces-auto.example');
    expect(values.happenedBefore).toBe('no');
    expect(values.affectedUsers).toBe('3');
    expect(values.browser).toBe('');
    expect(toInput(values)).toEqual(toInput(filled));
  });

  it('leaves an empty draft as an empty form', () => {
    const values = fromDraft({
      category: null,
      kind: null,
      urgency: null,
      title: null,
      description: null,
      product: null,
      environment: { module: null, os: null, browser: null, version: null },
      regression: false,
      startedOn: null,
      happenedBefore: null,
      affectedUsers: null,
      externalReference: null,
      tag: null,
      notifyEmails: [],
      followUp: true,
    });
    expect(values).toEqual(EMPTY_REQUEST_FORM);
  });

  it('keeps a "yes" and a zero', () => {
    const draft = { ...toInput(EMPTY_REQUEST_FORM), notifyEmails: [], regression: false, followUp: true };
    expect(fromDraft({ ...draft, environment: {}, happenedBefore: true, affectedUsers: 0 } as Parameters<typeof fromDraft>[0])).toMatchObject({
      happenedBefore: 'yes',
      affectedUsers: '0',
    });
  });
});

describe('the recap', () => {
  it('links a problem to its field, nested environment fields included', () => {
    expect(fieldId('title')).toBe('req-title');
    expect(fieldId('environment.os')).toBe('req-os');
    expect(fieldId('form.environment.version')).toBe('req-version');
  });

  it('names each field with a label of the catalogue', () => {
    expect(fieldLabelKey('title')).toBe('fields.title');
    expect(fieldLabelKey('environment.module')).toBe('fields.envModule');
    expect(fieldLabelKey('notifyEmails')).toBe('newRequest.notifyEmails');
    expect(fieldLabelKey('somethingElse')).toBeNull();
    expect(fieldLabelKey('toString')).toBeNull();
    for (const field of Object.keys(EMPTY_REQUEST_FORM)) {
      const key = fieldLabelKey(field);
      if (!key) continue;
      const [group, name] = key.split('.') as [keyof typeof en, string];
      expect(typeof (en[group] as Record<string, unknown>)[name], key).toBe('string');
    }
  });

  it('finds the problem of a field by name or as the end of a path', () => {
    const problems = [
      { field: 'title', reason: 'REQUIRED', message: '' },
      { field: 'environment.os', reason: 'TOO_LONG', message: '' },
    ];
    expect(problemFor(problems, 'title')?.reason).toBe('REQUIRED');
    expect(problemFor(problems, 'os')?.reason).toBe('TOO_LONG');
    expect(problemFor(problems, 'description')).toBeUndefined();
    // A suffix of a name is not a match.
    expect(problemFor([{ field: 'subtitle' }], 'title')).toBeUndefined();
  });
});
