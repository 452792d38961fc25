import { describe, expect, it } from 'vitest';
import { editContactProblems, emailChanged, required, updateContactInput } from './contactForm';

const base = { id: 'Q29udGFjdDox', version: 7, lastName: 'Ménard', firstName: 'Bastien', email: 'bastien@pieces-auto.example' };
const same = { lastName: 'Ménard', firstName: 'Bastien', email: 'bastien@pieces-auto.example', password: '', code: '' };

describe('required', () => {
  it('names each blank field, in order', () => {
    expect(required({ lastName: ' ', firstName: 'Léa', email: '' })).toEqual([
      { field: 'lastName', reason: 'REQUIRED', message: '' },
      { field: 'email', reason: 'REQUIRED', message: '' },
    ]);
    expect(required({ lastName: 'A', firstName: 'B', email: 'c@d.example' })).toEqual([]);
  });
});

describe('emailChanged', () => {
  it('ignores case and surrounding blanks', () => {
    expect(emailChanged(' Bastien@Pieces-Auto.example ', base.email)).toBe(false);
    expect(emailChanged('bastien.menard@pieces-auto.example', base.email)).toBe(true);
  });
});

describe('editContactProblems', () => {
  it('asks nothing more of an administrator editing someone else', () => {
    expect(editContactProblems({ ...same, email: 'new@pieces-auto.example' }, base, false, true)).toEqual([]);
  });

  it('asks for the password, and the code with a second factor, to change one’s own address', () => {
    const typed = { ...same, email: 'new@pieces-auto.example' };
    expect(editContactProblems(typed, base, true, false).map((p) => p.field)).toEqual(['currentPassword']);
    expect(editContactProblems(typed, base, true, true).map((p) => p.field)).toEqual(['currentPassword', 'code']);
    expect(editContactProblems({ ...typed, password: 'pw', code: ' 123456 ' }, base, true, true)).toEqual([]);
    expect(editContactProblems({ ...typed, password: 'pw', code: '  ' }, base, true, true).map((p) => p.field)).toEqual([
      'code',
    ]);
  });

  it('does not ask for credentials when one’s own address only changes case', () => {
    expect(editContactProblems({ ...same, email: 'BASTIEN@pieces-auto.example' }, base, true, true)).toEqual([]);
  });

  it('requires the names and the address', () => {
    expect(editContactProblems({ ...same, firstName: '', email: ' ' }, base, true, true).map((p) => p.field)).toEqual([
      'firstName',
      'email',
      'currentPassword',
      'code',
    ]);
  });
});

describe('updateContactInput', () => {
  it('sends only what changed, trimmed', () => {
    expect(updateContactInput(same, base, false, false)).toEqual({ id: base.id, version: 7 });
    expect(updateContactInput({ ...same, firstName: ' Bastien ', lastName: 'Menard ' }, base, false, false)).toEqual({
      id: base.id,
      version: 7,
      lastName: 'Menard',
    });
  });

  it('adds the credentials only for one’s own new address', () => {
    const typed = { ...same, email: ' new@pieces-auto.example ', password: ' secret ', code: ' 123456 ' };
    expect(updateContactInput(typed, base, false, true)).toEqual({ id: base.id, version: 7, email: 'new@pieces-auto.example' });
    expect(updateContactInput(typed, base, true, false)).toEqual({
      id: base.id,
      version: 7,
      email: 'new@pieces-auto.example',
      currentPassword: ' secret ',
    });
    expect(updateContactInput(typed, base, true, true)).toEqual({
      id: base.id,
      version: 7,
      email: 'new@pieces-auto.example',
      currentPassword: ' secret ',
      code: '123456',
    });
  });
});
