import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { RoomListView } from './RoomList';

describe('RoomListView', () => {
  it('shows unread counts and highlights mentions, for eyes and for screen readers', () => {
    render(
      <MemoryRouter initialEntries={['/rooms/a']}>
        <RoomListView
          rooms={[
            { id: 'a', name: 'general', visibility: 'public', unread: 0, mentions: 0 },
            { id: 'b', name: 'random', visibility: 'public', unread: 3, mentions: 0 },
            { id: 'c', name: 'secret', visibility: 'private', unread: 120, mentions: 2 },
          ]}
        />
      </MemoryRouter>,
    );
    const links = screen.getAllByTestId('room-link');
    expect(links.map((l) => l.getAttribute('data-unread'))).toEqual(['0', '3', '120']);
    expect(screen.getByRole('link', { name: 'random (3 unread)' })).toHaveAttribute('href', '/rooms/b');
    expect(screen.getByRole('link', { name: 'secret (120 unread, 2 mentioning you)' })).toHaveAttribute('href', '/rooms/c');
    expect(within(links[0]).queryByTestId('unread-badge')).toBeNull();
    expect(within(links[1]).getByTestId('unread-badge')).toHaveTextContent('3');
    expect(links[1]).toHaveClass('room-link--unread');
    expect(links[1]).not.toHaveClass('room-link--mention');
    expect(links[2]).toHaveClass('room-link--mention');
    expect(within(links[2]).getByTestId('unread-badge')).toHaveTextContent('@99+');
    expect(links[0]).toHaveAttribute('aria-current', 'page');
  });

  it('says when there are no rooms', () => {
    render(
      <MemoryRouter>
        <RoomListView rooms={[]} />
      </MemoryRouter>,
    );
    expect(screen.getByText('You are not in any room yet.')).toBeInTheDocument();
  });
});
