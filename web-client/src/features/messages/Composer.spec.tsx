import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';

const members = [
  { username: 'Bob_x1', displayName: 'Bob Builder' },
  { username: 'carol', displayName: 'Carol' },
];

describe('Composer: @-autocomplete, emoji, Up arrow', () => {
  it('completes a member after @ with arrows and Enter, and @room / @here', async () => {
    const onSend = vi.fn();
    render(<Composer roomName="#general" onSend={onSend} members={members} />);
    const box = screen.getByLabelText('Message #general');
    await userEvent.type(box, 'hi @bo');
    expect(screen.getByRole('listbox', { name: 'People to mention' })).toBeInTheDocument();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['@Bob_x1 Bob Builder']);
    await userEvent.keyboard('{Enter}');
    expect(box).toHaveValue('hi @Bob_x1 ');
    expect(screen.queryByRole('listbox')).toBeNull();
    await userEvent.type(box, 'and @');
    expect(screen.getAllByRole('option').map((o) => o.textContent?.split(' ')[0])).toEqual(['@Bob_x1', '@carol', '@room', '@here']);
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Tab}');
    expect(box).toHaveValue('hi @Bob_x1 and @room ');
    await userEvent.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('hi @Bob_x1 and @room ', []);
  });

  it('Escape closes the list; an email is not a mention', async () => {
    render(<Composer roomName="#general" onSend={() => {}} members={members} />);
    const box = screen.getByLabelText('Message #general');
    await userEvent.type(box, 'mail carol@');
    expect(screen.queryByRole('listbox')).toBeNull();
    await userEvent.clear(box);
    await userEvent.type(box, '@c{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('Up arrow in an empty composer edits the last message; the emoji button inserts a shortcode', async () => {
    const onEditLast = vi.fn(() => true);
    render(<Composer roomName="#general" onSend={() => {}} onEditLast={onEditLast} />);
    const box = screen.getByLabelText('Message #general');
    await userEvent.click(box);
    await userEvent.keyboard('{ArrowUp}');
    expect(onEditLast).toHaveBeenCalledOnce();
    await userEvent.click(screen.getByRole('button', { name: 'Insert emoji' }));
    await userEvent.click(screen.getByRole('button', { name: 'tada' }));
    expect(box).toHaveValue(':tada:');
  });
});
