import { describe, expect, it } from 'vitest';
import { attachmentHref } from './attachmentHref';

describe('attachmentHref', () => {
  it('keeps the path of a portal attachment, whatever its origin', () => {
    expect(attachmentHref('http://localhost:8080/attachments/ra_01')).toBe('/attachments/ra_01');
    expect(attachmentHref('https://support.example.com/attachments/ra_02?x=1')).toBe('/attachments/ra_02?x=1');
    expect(attachmentHref('/attachments/ra_03')).toBe('/attachments/ra_03');
  });

  it('keeps any other URL as it is', () => {
    expect(attachmentHref('https://files.example.com/doc.pdf')).toBe('https://files.example.com/doc.pdf');
    expect(attachmentHref('')).toBe('');
  });
});
