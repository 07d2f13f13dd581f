import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { MockBackend, sampleQuestion } from '../../lib/ipc/mock';
import { demoThreads } from '../../lib/ipc/mockData';
import Inbox from './Inbox.svelte';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Two questions (waiting 50 and 10 minutes) and one conversation waiting 30 minutes. */
function seller(): MockBackend {
  const backend = new MockBackend([
    sampleQuestion(1, { date_created: minutesAgo(50) }),
    sampleQuestion(2, { date_created: minutesAgo(10) }),
  ]);
  backend.threads = demoThreads(2, 1);
  backend.threads[0]!.messages[0]!.date_created = minutesAgo(30);
  return backend;
}

/** The rows in order: `q<id>` or `c<pack>`. */
const order = () =>
  [...screen.getByTestId('waiting-list').querySelectorAll('[data-testid=question-row], [data-testid=conversation-row]')].map(
    (r) => ((r as HTMLElement).dataset.questionId ? `q${(r as HTMLElement).dataset.questionId}` : `c${(r as HTMLElement).dataset.packId}`),
  );

describe('Everything waiting in one list', () => {
  it('merges questions and conversations longest waiting first, answering each from the keyboard', async () => {
    const backend = seller();
    const pack = backend.threads[0]!.packId;
    render(Inbox, { backend });
    await waitFor(() => expect(screen.getByTestId('kind-waiting-count').textContent).toBe('3'));
    await fireEvent.click(screen.getByTestId('kind-waiting'));
    await waitFor(() => expect(order()).toEqual(['q1', `c${pack}`, 'q2']));
    // The oldest (a question) is open; j goes to the conversation and answers it.
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBe('1'));
    await fireEvent.keyDown(window, { key: 'j' });
    await waitFor(() => expect(Number(screen.getByTestId('conversation-detail').dataset.packId)).toBe(pack));
    await fireEvent.keyDown(window, { key: 'r' });
    const message = screen.getByTestId('message-input') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(message);
    await fireEvent.input(message, { target: { value: 'Sale hoy' } });
    await fireEvent.keyDown(message, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(backend.sentMessages).toEqual([{ accountId: 1, packId: pack, text: 'Sale hoy' }]));
    // Answered, it leaves the list; the next row (question 2) opens.
    await waitFor(() => expect(order()).toEqual(['q1', 'q2']));
    await waitFor(() => expect(screen.getByTestId('question-detail').dataset.questionId).toBe('2'));
    message.blur();
    await fireEvent.keyDown(window, { key: 'r' });
    const answer = screen.getByTestId('answer-input') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(answer);
    await fireEvent.input(answer, { target: { value: 'Sí, hay stock' } });
    await fireEvent.keyDown(answer, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(backend.sent).toEqual([{ questionId: 2, text: 'Sí, hay stock' }]));
  });

  it('m goes through waiting, questions, messages and sales', async () => {
    render(Inbox, { backend: seller() });
    await screen.findAllByTestId('question-row');
    await fireEvent.keyDown(window, { key: 'm' });
    await screen.findByTestId('conversation-list');
    await fireEvent.keyDown(window, { key: 'm' });
    await screen.findByTestId('sales-list');
    await fireEvent.keyDown(window, { key: 'm' });
    await screen.findByTestId('waiting-list');
    await fireEvent.keyDown(window, { key: 'm' });
    await screen.findByTestId('question-list');
  });
});
