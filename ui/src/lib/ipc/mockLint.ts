// The core's answer/message linter (`replies::lint`), ported for the mock backend and checked
// case by case against the core's own verdicts (bindings/golden/lint.json).
import type { Lint } from './bindings/Lint';
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
