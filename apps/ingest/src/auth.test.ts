import { createAuthenticator, parseBasicAuthorization, safeEqual } from './auth';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('safeEqual', () => {
  it('is true only for identical strings, whatever their lengths', () => {
    expect(safeEqual('s3cret', 's3cret')).toBe(true);
    expect(safeEqual('s3cret', 's3cres')).toBe(false);
    expect(safeEqual('s3cret', 's3cret-longer')).toBe(false);
    expect(safeEqual('', 's3cret')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('parseBasicAuthorization', () => {
  it('reads user and password, splitting at the first colon', () => {
    expect(parseBasicAuthorization(`Basic ${b64('rehook:pa:ss')}`)).toEqual({
      user: 'rehook',
      password: 'pa:ss',
    });
  });

  it('accepts the scheme in any case and UTF-8 credentials', () => {
    expect(parseBasicAuthorization(`bAsIc ${b64('jürgen:pässwörd')}`)).toEqual({
      user: 'jürgen',
      password: 'pässwörd',
    });
  });

  it('allows an empty password', () => {
    expect(parseBasicAuthorization(`Basic ${b64('rehook:')}`)).toEqual({ user: 'rehook', password: '' });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Bearer ${b64('a:b')}`],
    ['no colon in the credentials', `Basic ${b64('rehook')}`],
    ['no credentials', 'Basic '],
    ['text that is not base64', 'Basic a:b'],
  ])('gives nothing for %s', (_name, header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});

describe('createAuthenticator', () => {
  const authenticate = createAuthenticator({
    basicAuth: { user: 'rehook', password: 'pw' },
    requiredHeaders: [
      { name: 'x-shop', value: 'acme' },
      { name: 'x-key', value: 'k' },
    ],
  });
  const good = { authorization: `Basic ${b64('rehook:pw')}`, 'x-shop': 'acme', 'x-key': 'k' };

  it('lets through a request with every credential', () => {
    expect(authenticate(good)).toEqual({ ok: true });
  });

  it('lets through other valid spellings of the same credentials', () => {
    expect(authenticate({ ...good, authorization: `basic   ${b64('rehook:pw')}` })).toEqual({ ok: true });
  });

  it('lets everything through when nothing is configured', () => {
    expect(createAuthenticator({})({})).toEqual({ ok: true });
  });

  it.each([
    ['missing basic auth', { authorization: undefined }, { reason: 'missing-basic-auth' }],
    ['wrong user', { authorization: `Basic ${b64('other:pw')}` }, { reason: 'wrong-basic-auth' }],
    ['wrong password', { authorization: `Basic ${b64('rehook:px')}` }, { reason: 'wrong-basic-auth' }],
    ['missing header', { 'x-shop': undefined }, { reason: 'missing-header', header: 'x-shop' }],
    ['wrong header value', { 'x-key': 'K' }, { reason: 'wrong-header', header: 'x-key' }],
    ['empty header value', { 'x-key': '' }, { reason: 'wrong-header', header: 'x-key' }],
  ])('refuses a %s, naming what is wrong but not what was sent', (_name, change, expected) => {
    expect(authenticate({ ...good, ...change })).toEqual({ ok: false, ...expected });
  });

  it('reports the first problem when several credentials are wrong', () => {
    expect(authenticate({ 'x-key': 'nope' })).toEqual({ ok: false, reason: 'missing-basic-auth' });
  });
});
