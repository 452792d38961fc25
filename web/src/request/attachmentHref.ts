/**
 * The link to download an attachment. The API gives an absolute URL on `http.public_url`;
 * the app is served by the portal itself (or by Vite, which forwards `/attachments`), so its
 * path on the app's own origin always reaches the portal with the session cookie, and the
 * `download` attribute (ignored across origins) applies. Any other URL is kept as it is.
 */
export function attachmentHref(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://app.invalid');
  } catch {
    return url;
  }
  return parsed.pathname.startsWith('/attachments/') ? `${parsed.pathname}${parsed.search}` : url;
}
