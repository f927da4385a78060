import { isLoopback } from './loopback';

describe('the simulator target check', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]'])('accepts %s', (host) => {
    expect(isLoopback(host)).toBe(true);
  });

  it.each([
    '10.0.0.1',
    '192.168.1.10',
    '172.16.0.1',
    'example.com',
    '127.0.0.1.example.com',
    '0.0.0.0',
    '::',
  ])('refuses %s', (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});
