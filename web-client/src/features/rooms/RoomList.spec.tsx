import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { ReadMarkers } from '../../state/read-markers';
import { RoomListView } from './RoomList';

describe('RoomListView', () => {
  it('marks rooms with unseen news, for eyes and for screen readers', () => {
    render(
      <MemoryRouter initialEntries={['/rooms/a']}>
        <RoomListView
          rooms={[
            { id: 'a', name: 'general', visibility: 'public', unread: false },
            { id: 'b', name: 'random', visibility: 'public', unread: true },
            { id: 'c', name: 'secret', visibility: 'private', unread: false },
          ]}
        />
      </MemoryRouter>,
    );
    const links = screen.getAllByTestId('room-link');
    expect(links.map((l) => l.getAttribute('data-unread'))).toEqual(['false', 'true', 'false']);
    expect(screen.getByRole('link', { name: /random \(unread\)/ })).toHaveAttribute('href', '/rooms/b');
    expect(within(links[0]).queryByTestId('unread-marker')).toBeNull();
    expect(within(links[1]).getByTestId('unread-marker')).toBeInTheDocument();
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

describe('ReadMarkers', () => {
  it('starts new rooms as read, flags later news, and clears it when seen', () => {
    const m = new ReadMarkers('u1', localStorage);
    m.initialise('r', 10);
    expect(m.isUnread('r', 10)).toBe(false);
    expect(m.isUnread('r', 11)).toBe(true);
    m.markRead('r', 11);
    expect(m.isUnread('r', 11)).toBe(false);
    m.markRead('r', 5);
    expect(m.get('r')).toBe(11);
    expect(new ReadMarkers('u1', localStorage).get('r')).toBe(11);
  });
});
