// Splits text highlighted by the core (matches between U+E000 and U+E001) into segments the UI
// renders as text, some of them marked. Never HTML: buyer text stays inert.
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

export interface Segment {
  text: string;
  marked: boolean;
}

export function segments(highlighted: string): Segment[] {
  const out: Segment[] = [];
  let marked = false;
  let current = '';
  for (const ch of highlighted) {
    if (ch === MARK_START || ch === MARK_END) {
      if (current) out.push({ text: current, marked });
      current = '';
      marked = ch === MARK_START;
    } else {
      current += ch;
    }
  }
  if (current) out.push({ text: current, marked });
  return out;
}

/** Folds accents and case, as the core's search does ("Envío" → "envio"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
