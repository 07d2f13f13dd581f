import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { MockBackend, sampleQuestion } from '../../lib/ipc/mock';
import { tm } from '../team/strings';
import Inbox from './Inbox.svelte';

describe('an answer refused because the question was answered on Mercado Libre', () => {
  it("shows the site's answer, says so, and keeps the seller's text", async () => {
    const backend = new MockBackend([
      sampleQuestion(1, {
        status: 'ANSWERED',
        answer_text: 'Respondida desde el sitio',
        answer_date: new Date().toISOString(),
        delivery: { state: 'failed', text: 'Mi respuesta', error_code: 'already_answered', marketplace_code: null, error_message: 'x' },
      }),
    ]);
    render(Inbox, { backend });
    await fireEvent.click(await screen.findByTestId('filter-answered'));
    await fireEvent.click(await screen.findByTestId('question-row'));
    expect((await screen.findByTestId('already-answered')).textContent).toBe(tm.alreadyAnswered);
    expect(screen.getByTestId('answer-text').textContent).toBe('Respondida desde el sitio');
    expect(screen.getByTestId('kept-answer').textContent).toContain('Mi respuesta');
    expect(screen.queryByTestId('answered-by')).toBeNull();
  });
});

describe('a failed answer says why in the user language', () => {
  it("keeps Mercado Libre's words after its refusal and translates the app's own reasons", async () => {
    const { deliveryText } = await import('../../lib/errors');
    const backend = new MockBackend([
      sampleQuestion(1, {
        delivery: { state: 'failed', text: 'Hola', error_code: 'marketplace', marketplace_code: 'invalid_question', error_message: 'Question is not active' },
      }),
    ]);
    render(Inbox, { backend });
    await fireEvent.click(await screen.findByTestId('question-row'));
    const shown = (await screen.findByTestId('delivery-error')).textContent ?? '';
    expect(shown).toContain('Question is not active');
    const notAnswerable = deliveryText({ state: 'failed', text: '', error_code: 'not_answerable', marketplace_code: null, error_message: 'the question is now CLOSED' });
    expect(notAnswerable).not.toContain('CLOSED');
  });
});
