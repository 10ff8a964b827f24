import type { RealtimeClient } from './client';
import type { SocketLike } from './types';

/** Same-origin WebSocket URL of the edge (the gateway proxies /ws). */
export function wsUrl(accessToken: string, loc: Location = location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/ws?access_token=${encodeURIComponent(accessToken)}`;
}

export const browserSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;

/**
 * Drop the socket when the browser goes offline; reconnect at once when the network returns or the page
 * becomes visible again (e.g. after sleep).
 */
export function attachBrowserTriggers(client: RealtimeClient): () => void {
  const nudge = () => client.reconnectNow();
  const lost = () => client.networkLost();
  const onVisible = () => {
    if (document.visibilityState === 'visible') nudge();
  };
  window.addEventListener('online', nudge);
  window.addEventListener('offline', lost);
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    window.removeEventListener('online', nudge);
    window.removeEventListener('offline', lost);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
