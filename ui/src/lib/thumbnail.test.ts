// A stored local image wins over the remote URL, and goes through the media protocol.
import { mockConvertFileSrc } from '@tauri-apps/api/mocks';
import { beforeAll, describe, expect, it } from 'vitest';
import { thumbnailSrc } from './thumbnail';

beforeAll(() => mockConvertFileSrc('linux'));

describe('thumbnailSrc', () => {
  const sha = 'ab'.repeat(32);
  it('serves a stored image through pinpace-media', () => {
    expect(thumbnailSrc({ media_sha256: sha, media_url: 'https://x/y.png' })).toBe(
      `pinpace-media://localhost/${sha}`,
    );
  });
  it('falls back to the remote URL, or nothing', () => {
    expect(thumbnailSrc({ media_sha256: null, media_url: 'https://x/y.png' })).toBe('https://x/y.png');
    expect(thumbnailSrc({ media_sha256: null, media_url: null })).toBeNull();
  });
});
