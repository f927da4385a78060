import { presentedToken } from './auth';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('presentedToken', () => {
  it('reads a bearer token, whatever the case of the scheme', () => {
    expect(presentedToken('Bearer abc.def-123')).toBe('abc.def-123');
    expect(presentedToken('bearer abc')).toBe('abc');
    expect(presentedToken('BEARER   abc  ')).toBe('abc');
  });

  it('reads the password of basic auth, whatever the user name, colons included', () => {
    expect(presentedToken(basic('admin:s3cret'))).toBe('s3cret');
    expect(presentedToken(basic(':s3cret'))).toBe('s3cret');
    expect(presentedToken(basic('u:a:b:c'))).toBe('a:b:c');
    expect(presentedToken(basic('ü:pässword'))).toBe('pässword');
  });

  it.each([undefined, '', 'Bearer', 'Bearer a b', 'Token abc', 'abc', basic('no-colon')])(
    'finds no token in %j',
    (header) => {
      expect(presentedToken(header)).toBeUndefined();
    },
  );
});
