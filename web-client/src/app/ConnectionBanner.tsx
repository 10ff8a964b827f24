import { useEffect, useRef, useState } from 'react';
import type { ConnectionStatus } from '../realtime';
import { useConnectionStatus } from './realtime';

type Banner = 'lost' | 'back' | null;

/**
 * "lost" when the socket has not been online for `graceMs` after a drop or a failed attempt (so the quick
 * reconnects of a token refresh (4101) or a node drain (4000) do not flash a banner); "back" for `backForMs`
 * once it is online again after a "lost".
 */
export function useConnectionBanner(status: ConnectionStatus, backForMs = 3000, graceMs = 1500): Banner {
  const everOnline = useRef(false);
  const [banner, setBanner] = useState<Banner>(null);
  const down = status === 'offline' || (everOnline.current && (status === 'connecting' || status === 'syncing'));
  if (status === 'online') everOnline.current = true;

  useEffect(() => {
    if (status === 'online') {
      setBanner((b) => (b === 'lost' ? 'back' : b));
      return;
    }
    if (!down) return;
    const t = setTimeout(() => setBanner('lost'), graceMs);
    return () => clearTimeout(t);
  }, [status, down, graceMs]);

  useEffect(() => {
    if (banner !== 'back') return;
    const t = setTimeout(() => setBanner(null), backForMs);
    return () => clearTimeout(t);
  }, [banner, backForMs]);
  return banner;
}

export function ConnectionBannerView({ banner }: { banner: Banner }) {
  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {banner === 'lost' && (
        <div className="banner banner--lost" data-testid="connection-banner" data-state="lost">
          Connection lost. Reconnecting… Messages you write are kept and sent when it is back.
        </div>
      )}
      {banner === 'back' && (
        <div className="banner banner--back" data-testid="connection-banner" data-state="back">
          Back online.
        </div>
      )}
    </div>
  );
}

export function ConnectionBanner() {
  const status = useConnectionStatus();
  return <ConnectionBannerView banner={useConnectionBanner(status)} />;
}
