// Where a pin's thumbnail comes from: a local image PinPace stored (served by the shell's
// `pinpace-media` protocol under its SHA-256, so it shows offline) before the remote URL, which
// shows only with a network. convertFileSrc spells the protocol's address for each platform.
import { convertFileSrc } from '@tauri-apps/api/core';

export const MEDIA_PROTOCOL = 'pinpace-media';

export function thumbnailSrc(item: {
  media_sha256: string | null;
  media_url: string | null;
}): string | null {
  if (item.media_sha256) return convertFileSrc(item.media_sha256, MEDIA_PROTOCOL);
  return item.media_url;
}
