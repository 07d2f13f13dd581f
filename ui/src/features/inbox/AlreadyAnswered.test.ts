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
        delivery: { state: 'failed', text: 'Mi respuesta', error_code: 'already_answered', error_message: 'x' },
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
