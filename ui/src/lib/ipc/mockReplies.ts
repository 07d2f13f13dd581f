// The core's answer/message linter and template renderer (`replies::lint`, `replies::render`),
// ported for the mock backend and checked case by case against the core's own output
// (bindings/golden/lint.json, bindings/golden/render.json).
import type { Lint } from './bindings/Lint';
import type { Rendered } from './bindings/Rendered';
import type { ReplyContext } from './bindings/ReplyContext';
import type { OrderContext } from './bindings/OrderContext';
import type { LintFinding } from './bindings/LintFinding';
import type { TextKind } from './bindings/TextKind';

const PUNCTUATION = new Set([',', ';', ':', '!', '?', '¡', '¿', '(', ')', '"', "'"]);
const TLDS = ['.com', '.net', '.org', '.ar', '.br', '.mx', '.cl', '.co', '.uy', '.pe', '.io', '.me', '.ly', '.link'];
const alnum = (c: string): boolean => /[\p{L}\p{N}]/u.test(c);
const alpha = (c: string): boolean => /\p{L}/u.test(c);

function trimChars(s: string, drop: (c: string) => boolean): string {
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && drop(chars[a]!)) a++;
  while (b > a && drop(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

function isEmail(w: string): boolean {
  const at = w.indexOf('@');
  if (at < 0) return false;
  const user = w.slice(0, at);
  const domain = w.slice(at + 1);
  return (
    user !== '' &&
    domain.includes('.') &&
    !domain.startsWith('.') &&
    !domain.endsWith('.') &&
    [...domain].every((c) => alnum(c) || c === '.' || c === '-')
  );
}

function isLink(w: string): boolean {
  const l = w.toLowerCase();
  if (l.startsWith('http://') || l.startsWith('https://') || l.startsWith('www.')) return true;
  const host = l.split('/')[0] ?? '';
  return (
    host.includes('.') &&
    [...host].every((c) => alnum(c) || c === '.' || c === '-') &&
    TLDS.some((t) => host.endsWith(t) || host.includes(`${t}.`)) &&
    [...host].some(alpha)
  );
}

function phones(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let digits = 0;
  const flush = (): void => {
    let t = current.trim();
    while (t.length > 0 && ['-', '.', '('].includes(t[t.length - 1]!)) t = t.slice(0, -1);
    t = t.trim();
    if (digits >= 8) out.push(t);
    current = '';
    digits = 0;
  };
  for (const c of text) {
    if (c >= '0' && c <= '9') {
      current += c;
      digits++;
    } else if ((' -.()'.includes(c) && current !== '') || (c === '+' && current === '')) {
      current += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

/** Checks a text before it is sent, as the core does. */
export function lint(text: string, kind: TextKind): Lint {
  const limit = kind === 'answer' ? 2000 : 350;
  const chars = [...text.trim()].length;
  const findings: LintFinding[] = [];
  for (const word of text.split(/\s+/).filter((x) => x !== '')) {
    let w = trimChars(word, (c) => PUNCTUATION.has(c));
    while (w.endsWith('.')) w = w.slice(0, -1);
    if (isEmail(w)) findings.push({ kind: 'email', text: w });
    else if (isLink(w)) findings.push({ kind: 'link', text: w });
  }
  for (const p of phones(text)) findings.push({ kind: 'phone', text: p });
  return { chars, limit, sendable: chars > 0 && chars <= limit, findings };
}

const isName = (s: string): boolean => s !== '' && /^[A-Za-z0-9_]+$/.test(s);

/** Fills a template with `ctx`, as the core does: `{{` and `}}` are literal braces, unknown
 * variables stay as written and are listed once each. */
export function render(template: string, ctx: ReplyContext | OrderContext): Rendered {
  // A variable is a field of the context; a field without a value (null) is missing, not unknown.
  const values = ctx as unknown as Record<string, string | null>;
  let out = '';
  const unknown: string[] = [];
  const missing: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{');
    if (open < 0) break;
    out += rest.slice(0, open).replaceAll('}}', '}');
    const after = rest.slice(open + 1);
    if (after.startsWith('{')) {
      out += '{';
      rest = after.slice(1);
      continue;
    }
    const close = after.indexOf('}');
    const name = close >= 0 ? after.slice(0, close) : '';
    if (close >= 0 && isName(name)) {
      const value = Object.hasOwn(values, name) ? values[name] : undefined;
      if (typeof value === 'string') out += value;
      else {
        const list = value === undefined ? unknown : missing;
        if (!list.includes(name)) list.push(name);
        out += `{${name}}`;
      }
      rest = after.slice(close + 1);
    } else {
      out += '{';
      rest = after;
    }
  }
  out += rest.replaceAll('}}', '}');
  return { text: out, unknown, missing };
}
