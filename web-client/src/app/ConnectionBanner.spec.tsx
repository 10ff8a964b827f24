import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../realtime';
import { ConnectionBannerView, useConnectionBanner } from './ConnectionBanner';

function Probe({ status }: { status: ConnectionStatus }) {
  return <ConnectionBannerView banner={useConnectionBanner(status, 3000, 1500)} />;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('connection banner', () => {
  it('stays quiet while first connecting, says when the connection is lost, and when it is back', () => {
    const { rerender } = render(<Probe status="connecting" />);
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    rerender(<Probe status="online" />);
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    rerender(<Probe status="offline" />);
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    act(() => void vi.advanceTimersByTime(1500));
    expect(screen.getByTestId('connection-banner')).toHaveAttribute('data-state', 'lost');
    rerender(<Probe status="connecting" />);
    rerender(<Probe status="syncing" />);
    act(() => void vi.advanceTimersByTime(5000));
    expect(screen.getByTestId('connection-banner')).toHaveAttribute('data-state', 'lost');
    rerender(<Probe status="online" />);
    expect(screen.getByTestId('connection-banner')).toHaveAttribute('data-state', 'back');
    act(() => void vi.advanceTimersByTime(3000));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });

  it('says the connection is lost when the first attempt fails (app opened offline)', () => {
    const { rerender } = render(<Probe status="connecting" />);
    rerender(<Probe status="offline" />);
    act(() => void vi.advanceTimersByTime(1500));
    expect(screen.getByTestId('connection-banner')).toHaveAttribute('data-state', 'lost');
  });

  it('shows nothing for a quick reconnect (token refresh, node drain)', () => {
    const { rerender } = render(<Probe status="online" />);
    rerender(<Probe status="offline" />);
    rerender(<Probe status="connecting" />);
    rerender(<Probe status="syncing" />);
    act(() => void vi.advanceTimersByTime(500));
    rerender(<Probe status="online" />);
    act(() => void vi.advanceTimersByTime(5000));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });
});
