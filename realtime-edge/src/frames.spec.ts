import { describe, expect, it } from 'vitest';
import { errorMessageOf, parseClientFrame, readFrame } from './frames';

const buf = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

describe('client frames', () => {
  it('reads the id of any JSON object frame, so every error for it can carry the id', () => {
    expect(readFrame(buf('{"type":"ping","id":"p1"}'), false)).toMatchObject({ ok: true, id: 'p1' });
    expect(readFrame(buf('{"type":"dance","id":"d1"}'), false)).toEqual({ ok: false, code: 'unknown_frame', message: 'unknown frame type', id: 'd1' });
    expect(readFrame(buf('{"type":"ping","id":"' + 'x'.repeat(100) + '"}'), false)).toMatchObject({ id: 'x'.repeat(64) });
  });

  it('refuses binary frames as unknown_frame, under their id when they hold one', () => {
    expect(readFrame(buf('{"type":"leave","id":"b1","roomId":"r"}'), true)).toEqual({ ok: false, code: 'unknown_frame', message: 'binary frames are not part of the protocol', id: 'b1' });
    expect(readFrame(buf('\u0000\u0001'), true)).toEqual({ ok: false, code: 'unknown_frame', message: 'binary frames are not part of the protocol' });
  });

  it('refuses non-JSON and non-object frames as unknown_frame without an id', () => {
    expect(readFrame(buf('{}'), true)).toMatchObject({ ok: false, code: 'unknown_frame' });
    expect(readFrame(buf('{nope'), false)).toMatchObject({ ok: false, code: 'unknown_frame' });
    expect(readFrame(buf('[1]'), false)).toMatchObject({ ok: false, code: 'unknown_frame' });
    expect(readFrame(buf('null'), false)).toMatchObject({ ok: false, code: 'unknown_frame' });
  });

  it('validates against the schema and names the bad field, with the id', () => {
    // (An empty text passes the frame's schema since issue 13: a message may be files alone; command-api refuses
    // an empty text without attachments, validation_failed on `text`, answered under the same id.)
    expect(parseClientFrame(buf('{"type":"send","id":"s1","roomId":"r","clientMsgId":"c","text":"  "}'), false)).toMatchObject({ ok: false, code: 'validation_failed', id: 's1', message: expect.stringMatching(/^text:/) });
    expect(parseClientFrame(buf('{"type":"resume","epoch":"e","rooms":{"r":3}}'), false)).toEqual({ ok: true, frame: { type: 'resume', epoch: 'e', rooms: { r: 3 } } });
  });
});

describe('errorMessageOf (a refused command in an error frame)', () => {
  it('names the bad fields of a validation error, as a frame\'s own validation does', () => {
    expect(errorMessageOf({ code: 'validation_failed', message: 'The input does not match the schema.', details: [{ path: 'markers', message: 'Too small: expected array to have >=1 items' }, { path: 'level', message: 'Invalid option' }] })).toBe(
      'markers: Too small: expected array to have >=1 items; level: Invalid option',
    );
  });
  it('keeps the message of other errors, and of a validation error without fields', () => {
    expect(errorMessageOf({ code: 'not_member', message: 'You are not a member of this room.' })).toBe('You are not a member of this room.');
    expect(errorMessageOf({ code: 'validation_failed', message: 'seq is past the head', details: { minSeq: 3 } })).toBe('seq is past the head');
  });
});
