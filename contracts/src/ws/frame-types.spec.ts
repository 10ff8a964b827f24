import { describe, expect, it } from 'vitest';
import { ClientFrameTypes, ServerFrameTypes } from './frame-types';
import { ClientFrame, ServerFrame } from './frames';

const discriminators = (union: { options: readonly { shape: { type: { value: unknown } } }[] }) => union.options.map((o) => o.shape.type.value);

describe('frame type lists', () => {
  it('name exactly the frames of each union (the edge and the web client check types against them)', () => {
    expect([...ClientFrameTypes].sort()).toEqual(discriminators(ClientFrame as never).sort());
    expect([...ServerFrameTypes].sort()).toEqual(discriminators(ServerFrame as never).sort());
  });
});
