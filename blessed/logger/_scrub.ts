/**
 * Text scrubbing: removes credential-shaped substrings from free text (messages, error messages,
 * stacks, string values). Key-based redaction cannot see these, because the secret is inside a
 * string rather than under a named key.
 *
 * Every pattern is anchored on a literal (`-----BEGIN`, `eyJ`, a scheme word, `://`, a key word)
 * and uses only bounded or non-overlapping repetition, so scrubbing stays linear in the input.
 */

export const REDACTED = '[REDACTED]';

// An unterminated block (a truncated key in a message) is cut to the end of the text.
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|[\s\S]*)/g;

// Credentials never contain quotes or whitespace; stopping there keeps the surrounding text.
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[^\s"'`]+/gi;

// Dotted base64url runs, matched only from the start of a run so the scan stays linear; the
// replacer keeps those without `eyJ` (base64url of `{"`, the start of a JWT, JWS or JWE header).
const DOTTED_RUN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)+/g;

// `scheme://user:pass@host`: greedy up to the last `@` of the authority, as URL parsers do.
const URL_USERINFO = /:\/\/[^\s/?#"'<>\\]*@/g;

// Header-style credentials run to the end of the line (`Cookie: a=1; b=2`).
const HEADER_ASSIGNMENT =
  /\b((?:proxy-)?authorization|(?:set-)?cookie)((?:\\*["'])?\s*[=:]\s*)("(?:[^"\\\r\n]|\\.)*|\\+"[^"\\\r\n]*|'[^'\r\n]*|[^\r\n"'\\]+)/gi;

// `password=…`, `"api_key": "…"`, `client_secret: …`, `access_token=…` (also inside JSON that was
// itself JSON-encoded, hence the optional backslashes before quotes).
const SECRET_ASSIGNMENT =
  /((?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_-]{0,32}(?:\\*["'])?\s*[=:]\s*)("(?:[^"\\\r\n]|\\.)*|\\+"[^"\\\r\n]*|'[^'\r\n]*|[^\s&,;"'<>\\]+)/gi;

// A cheap pre-check: text without any of these fragments cannot match a pattern above.
const MAYBE_SECRET = /BEGIN|bearer|basic|eyJ|:\/\/|authorization|cookie|pass|pwd|secret|token|api|private|credential/i;

function keepQuote(value: string): string {
  const opening = /^\\*["']/.exec(value);
  return (opening ? opening[0] : '') + REDACTED;
}

function replaceJwt(run: string): string {
  const start = run.indexOf('eyJ');
  return start === -1 || run.indexOf('.', start) === -1 ? run : run.slice(0, start) + REDACTED;
}

function replaceAssignment(_match: string, key: string, separator: string, value: string): string {
  return key + separator + keepQuote(value);
}

function replaceSecretAssignment(_match: string, keyAndSeparator: string, value: string): string {
  return keyAndSeparator + keepQuote(value);
}

/**
 * Replaces credential-shaped substrings of `text` with `[REDACTED]`: `Bearer`/`Basic`
 * credentials, JWT-shaped strings, `password=`/`token:`/`secret=`/`api_key=`-style assignments,
 * `Authorization:`/`Cookie:` header lines, URL userinfo and PEM private key blocks.
 *
 * @example
 * scrubText('GET https://bob:hunter2@api.example/x?token=abc');
 * // 'GET https://[REDACTED]@api.example/x?token=[REDACTED]'
 */
export function scrubText(text: string): string {
  if (typeof text !== 'string') return scrubText(String(text));
  if (!MAYBE_SECRET.test(text)) return text;
  return text
    .replace(PEM_PRIVATE_KEY, '[REDACTED PRIVATE KEY]')
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(DOTTED_RUN, replaceJwt)
    .replace(URL_USERINFO, `://${REDACTED}@`)
    .replace(HEADER_ASSIGNMENT, replaceAssignment)
    .replace(SECRET_ASSIGNMENT, replaceSecretAssignment);
}
