import { z } from 'zod';
import { HttpProblem } from '../problem';
import { decodeCursor, encodeCursor } from './cursor';

const Key = z.tuple([z.string(), z.string()]);

describe('cursors', () => {
  it('round-trip the sort key of any row, unicode and separators included', () => {
    const key = ['Zoë@ü a+b/c', '{"l":"x"}'] as const;
    expect(decodeCursor('wallet', Key, encodeCursor('wallet', key))).toEqual(key);
  });

  it('are URL-safe text', () => {
    expect(encodeCursor('customers', ['??>>~~'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['garbage', 'not base64 json'],
    ['another list', encodeCursor('segments', ['a', 'b'])],
    ['a key of the wrong shape', encodeCursor('wallet', ['only one'])],
    ['a key of the wrong type', Buffer.from('{"l":"wallet","k":[1,2]}').toString('base64url')],
    ['extra fields', Buffer.from('{"l":"wallet","k":["a","b"],"x":1}').toString('base64url')],
    ['JSON that is not an object', Buffer.from('[1]').toString('base64url')],
  ])('refuse %s with a 400 naming the cursor', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor('wallet', Key, cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    expect(thrown).toMatchObject({ status: 400, issues: [{ path: 'query.cursor' }] });
  });
});
