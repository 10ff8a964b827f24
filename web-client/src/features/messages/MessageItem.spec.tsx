import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';
import { MessageItem } from './MessageItem';

function renderItem(text: string, extra: Partial<Parameters<typeof MessageItem>[0]> = {}) {
  render(
    <ol>
      <MessageItem author="Bob" at="2026-01-01T12:34:00.000Z" text={text} status="sent" seq={7} {...extra} />
    </ol>,
  );
  return screen.getByTestId('message');
}

describe('MessageItem', () => {
  it('renders user text as text, never as HTML', () => {
    const li = renderItem('<img src=x onerror="alert(1)"><b>bold</b><script>alert(2)</script>');
    expect(li.querySelector('img, b, script')).toBeNull();
    expect(li).toHaveTextContent('<img src=x onerror="alert(1)"><b>bold</b><script>alert(2)</script>');
  });

  it('shows author, time, and seq/status for tests', () => {
    const li = renderItem('hi');
    expect(li).toHaveAttribute('data-seq', '7');
    expect(li).toHaveAttribute('data-status', 'sent');
    expect(within(li).getByText('Bob')).toBeInTheDocument();
    expect(li.querySelector('time')).toHaveAttribute('datetime', '2026-01-01T12:34:00.000Z');
  });

  it('links http(s) URLs safely and leaves other schemes as text', () => {
    const li = renderItem('see https://example.com/a?b=1. or javascript:alert(1) or http://x.test/<p>');
    const links = within(li).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1', 'http://x.test/']);
    for (const a of links) {
      expect(a).toHaveAttribute('rel', 'noopener noreferrer');
      expect(a).toHaveAttribute('target', '_blank');
    }
    expect(li).toHaveTextContent('javascript:alert(1)');
    expect(li.querySelector('p p')).toBeNull();
  });

  it('offers retry on a failed message', async () => {
    const onRetry = vi.fn();
    const li = renderItem('oops', { status: 'failed', seq: undefined, error: 'You are not a member of this room.', onRetry });
    expect(li).toHaveAttribute('data-status', 'failed');
    expect(li).not.toHaveAttribute('data-seq');
    await userEvent.click(within(li).getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });
});

describe('Composer', () => {
  it('sends on Enter, makes a new line on Shift+Enter, and ignores blank text', async () => {
    const onSend = vi.fn();
    render(<Composer roomName="#general" onSend={onSend} />);
    const box = screen.getByLabelText('Message #general');
    await userEvent.type(box, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.clear(box);
    await userEvent.type(box, 'line one{Shift>}{Enter}{/Shift}line two{Enter}');
    expect(onSend).toHaveBeenCalledWith('line one\nline two', []);
    expect(box).toHaveValue('');
  });
});
