/**
 * Credentials out of every line the CLI prints: the one helper for Redis URLs (and any other
 * `scheme://user:password@host` text) in logs and error messages.
 * @module
 */

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@]*)@/gi;

/**
 * `text` (a URL, or a log line or message holding URLs) with the password of every
 * `scheme://user:password@` replaced by `***` (`redis://user:***@host:6379/0`); a userinfo without
 * a colon (`redis://secret@host`) is replaced whole. Text without URLs is returned unchanged.
 * @example redactUrl('cannot reach redis://:hunter2@10.0.0.5:6379') // 'cannot reach redis://:***@10.0.0.5:6379'
 */
export function redactUrl(text: string): string {
  return text.replace(USERINFO, (_, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    return `${scheme}${colon >= 0 ? `${info.slice(0, colon)}:***` : '***'}@`;
  });
}
