/** What the QR code's address carries after `#`: never sent over the network. */
export interface InvitationFragment {
  /** The short code, as typed on the main screen (normalised by the DeviceClient). */
  readonly code: string | undefined;
  /** The host certificate's fingerprint, hex without separators, lower case. */
  readonly fingerprint: string | undefined;
}

/** Reads `#c=<code>&f=<fingerprint>`; anything else in the fragment is ignored. */
export function parseInvitationFragment(hash: string): InvitationFragment {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const code = params.get('c')?.trim();
  const fingerprint = params.get('f')?.replace(/[\s:]/g, '').toLowerCase();
  return { code: code === '' ? undefined : code, fingerprint: fingerprint === '' ? undefined : fingerprint };
}

/** The code as the main screen shows it: two groups of four. */
export function groupCode(code: string): string {
  const compact = code.replace(/[\s-]/g, '').toUpperCase();
  return compact.length > 4 ? `${compact.slice(0, 4)} ${compact.slice(4)}` : compact;
}
