import { describe, expect, it } from 'vitest';
import { allowedEndpoint, topicOf } from './push-dispatcher';

describe('push endpoints', () => {
  const hosts = ['fcm.googleapis.com', '.push.services.mozilla.com'];
  it('contacts only https endpoints on the push services', () => {
    expect(allowedEndpoint('https://fcm.googleapis.com/fcm/send/abc', hosts)).toBe(true);
    expect(allowedEndpoint('https://updates.push.services.mozilla.com/wpush/v2/x', hosts)).toBe(true);
    expect(allowedEndpoint('http://fcm.googleapis.com/fcm/send/abc', hosts)).toBe(false);
    expect(allowedEndpoint('https://169.254.169.254/latest/meta-data', hosts)).toBe(false);
    expect(allowedEndpoint('https://evilpush.services.mozilla.com.example/x', hosts)).toBe(false);
    expect(allowedEndpoint('https://fcm.googleapis.com.evil.test/x', hosts)).toBe(false);
    expect(allowedEndpoint('not a url', hosts)).toBe(false);
  });
  it('makes a Topic header of at most 32 URL-safe characters', () => {
    expect(topicOf('room_ABC-123')).toBe('room_ABC-123');
    expect(topicOf('x'.repeat(40))).toHaveLength(32);
  });
});
