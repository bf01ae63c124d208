import { memo, useEffect, useState } from 'react';
import type { Invitation, PairedDevice } from '../../../core/pairing-contract';
import { ErrorLine } from '../../ErrorLine';
import { useExternalState } from '../../use-external-state';
import type { CoFacilitation } from './CoFacilitation';
import { qrRuns } from './qr-runs';
import { usePolled } from './use-polled';
import './co-facilitation.css';

/** Modules of light margin around the code: scanners need four. */
const quietZoneModules = 4;

/**
 * The invitation's QR code as SVG rectangles, one per horizontal run of dark modules (no
 * markup strings). Dark on light, the only way round every scanner reads.
 */
const QrCode = memo(function QrCode({ rows, label }: { readonly rows: readonly (readonly boolean[])[]; readonly label: string }) {
  const size = (rows[0]?.length ?? 0) + 2 * quietZoneModules;
  const runs = qrRuns(rows);
  return (
    <svg className="qr-code" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shapeRendering="crispEdges" data-testid="invitation-qr">
      <rect width={size} height={size} fill="#e6e8eb" />
      {runs.map((run) => (
        <rect key={`${run.x},${run.y}`} x={run.x + quietZoneModules} y={run.y + quietZoneModules} width={run.width} height={1} fill="#0d0f12" />
      ))}
    </svg>
  );
});

function secondsUntil(iso: string): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
}

function secondsSince(iso: string): number {
  return Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
}

function ExpiryCountdown({ expiresAt }: { readonly expiresAt: string }) {
  const left = usePolled(() => secondsUntil(expiresAt), 500);
  if (left === 0) return <span className="notice">This code has expired — open a new invitation.</span>;
  return (
    <span data-testid="invitation-expiry">
      expires in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}
    </span>
  );
}

function InvitationView({
  invitation,
  busy,
  onCancel,
  onRenew,
}: {
  readonly invitation: Invitation;
  readonly busy: boolean;
  readonly onCancel: () => void;
  readonly onRenew: () => void;
}) {
  return (
    <div className="invitation" data-testid="invitation">
      <QrCode rows={invitation.qr} label="QR code of the invitation's address, for the co-facilitator's device" />
      <div className="invitation-text">
        <p className="label">On the second device, scan the code or open the address, then type</p>
        <p className="invitation-code" data-testid="invitation-code">
          {invitation.code}
        </p>
        <p className="muted">
          <ExpiryCountdown expiresAt={invitation.expiresAt} /> · single use
          {invitation.failedAttempts > 0 ? ` · ${invitation.failedAttempts} wrong code${invitation.failedAttempts === 1 ? '' : 's'} tried` : ''}
        </p>
        {invitation.locked ? (
          <p className="notice" role="alert">
            Locked after too many wrong codes. Someone may be guessing: open a new invitation only when the device is in your hand.
          </p>
        ) : null}
        <p className="invitation-address muted">
          <span className="label">Address</span> <span data-testid="invitation-url">{invitation.url.split('#')[0]}</span>
        </p>
        <p className="invitation-fingerprint muted">
          <span className="label">Certificate fingerprint</span>{' '}
          <span data-testid="invitation-fingerprint">{invitation.fingerprint}</span>
          <br />
          The device's browser warns once about this certificate; it should show the same fingerprint.
        </p>
        <p className="row">
          <button type="button" disabled={busy} onClick={onCancel}>
            Cancel invitation
          </button>
          <button type="button" disabled={busy} onClick={onRenew}>
            New code
          </button>
        </p>
      </div>
    </div>
  );
}

/** The device's last word: "quiet for 40 s" once it has been silent longer than its polling allows. */
function DeviceHeard({ device }: { readonly device: PairedDevice }) {
  const quietFor = usePolled(() => (device.lastSeenAt === null ? undefined : secondsSince(device.lastSeenAt)), 1000);
  if (!device.quiet) return <span className="muted">connected</span>;
  return (
    <span className="notice" data-testid="device-quiet">
      {quietFor === undefined ? 'not heard from since pairing' : `quiet for ${quietFor < 120 ? `${quietFor} s` : `${Math.round(quietFor / 60)} min`}`}
    </span>
  );
}

function DeviceRow({ device, busy, onRemove }: { readonly device: PairedDevice; readonly busy: boolean; readonly onRemove: () => void }) {
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const timer = setTimeout(() => setConfirming(false), 4000);
    return () => clearTimeout(timer);
  }, [confirming]);
  return (
    <li className="paired-device" data-testid="paired-device" data-initials={device.initials}>
      <span className="paired-initials">{device.initials}</span>
      <span className="muted">
        paired {new Date(device.pairedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · {device.markCount} mark{device.markCount === 1 ? '' : 's'}
      </span>
      <DeviceHeard device={device} />
      <button
        type="button"
        className={confirming ? 'danger' : ''}
        disabled={busy}
        onClick={() => {
          if (!confirming) {
            setConfirming(true);
            return;
          }
          setConfirming(false);
          onRemove();
        }}
      >
        {confirming ? `Press again to remove ${device.initials}` : `Remove ${device.initials}`}
      </button>
    </li>
  );
}

/**
 * The main screen's co-facilitation panel: opened and closed by the facilitator (Shift+I), out
 * of the way otherwise. Asks once for the main facilitator's initials, then shows the
 * invitation (QR code, the code, its expiry, the certificate's fingerprint) and the paired
 * devices, each removable.
 */
export function InvitePanel({ coFacilitation, onClose }: { readonly coFacilitation: CoFacilitation; readonly onClose: () => void }) {
  const { status, busy, problem } = useExternalState(coFacilitation);
  const signedAs = status?.hostInitials ?? null;
  const [initials, setInitials] = useState('');
  useEffect(() => {
    void coFacilitation.refresh();
  }, [coFacilitation]);
  const invite = () => void coFacilitation.invite(signedAs ?? initials);
  const invitation = status?.invitation ?? null;
  const devices = status?.devices ?? [];
  return (
    <section className="invite-panel" aria-labelledby="invite-heading" data-testid="invite-panel">
      <header className="invite-panel-header">
        <h2 id="invite-heading">Co-facilitators</h2>
        <button type="button" onClick={onClose}>
          Close <kbd>⇧I</kbd>
        </button>
      </header>
      {signedAs === null ? (
        <form
          className="invite-sign-in"
          onSubmit={(event) => {
            event.preventDefault();
            invite();
          }}
        >
          <label>
            <span className="label">Your initials</span>
            <input
              // The panel opens on purpose to sign in: the field is what the facilitator came for.
              autoFocus
              value={initials}
              maxLength={40}
              autoComplete="off"
              aria-describedby="invite-sign-in-why"
              onChange={(event) => setInitials(event.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={busy || initials.trim() === ''}>
            Invite a co-facilitator
          </button>
          <p id="invite-sign-in-why" className="muted">
            Asked once: from now on your marks carry your initials, and the second device's carry theirs.
          </p>
        </form>
      ) : (
        <p className="muted">
          You sign as <strong data-testid="host-initials">{signedAs}</strong>.{' '}
          {invitation === null ? (
            <button type="button" className="primary" disabled={busy} onClick={invite}>
              {devices.length === 0 ? 'Invite a co-facilitator' : 'Invite another device'}
            </button>
          ) : null}
        </p>
      )}
      <ErrorLine message={problem} />
      {invitation !== null ? <InvitationView invitation={invitation} busy={busy} onCancel={() => void coFacilitation.cancelInvitation()} onRenew={invite} /> : null}
      <h3 className="label">Paired devices</h3>
      {devices.length === 0 ? (
        <p className="muted" data-testid="no-devices">
          None yet.
        </p>
      ) : (
        <ul className="paired-devices">
          {devices.map((device) => (
            <DeviceRow key={device.deviceId} device={device} busy={busy} onRemove={() => void coFacilitation.remove(device.deviceId)} />
          ))}
        </ul>
      )}
      {status?.listening != null ? (
        <p className="muted" data-testid="listening">
          Listening on the local network at {status.listening.addresses.join(', ')} (port {status.listening.port}){' '}
          {status.invitation === null && status.devices.length === 0
            ? 'until the removed device has heard it was removed (a minute at most).'
            : 'while an invitation is open or a device is paired; ending the session ends every pairing.'}
        </p>
      ) : (
        <p className="muted">Not listening on the local network: Attune opens it only while an invitation is open or a device is paired.</p>
      )}
    </section>
  );
}
