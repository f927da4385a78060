// The fake Rehook REST API as a process of its own (so that its CPU is not the reconciler's),
// serving the reconcile benchmark's customers lazily. Port from FAKE_REHOOK_PORT, page size from
// FAKE_REHOOK_PAGE_SIZE, credentials from FAKE_REHOOK_KEY and FAKE_REHOOK_SECRET.
import { startFakeRehook } from '@mirror/rehook-api/testing';
import { benchCustomer } from './reconcile-history';

void startFakeRehook({
  port: Number(process.env['FAKE_REHOOK_PORT']),
  pageSize: Number(process.env['FAKE_REHOOK_PAGE_SIZE'] ?? '10'),
  generate: benchCustomer,
  ...(process.env['FAKE_REHOOK_KEY'] ? { apiKey: process.env['FAKE_REHOOK_KEY'] } : {}),
  ...(process.env['FAKE_REHOOK_SECRET'] ? { apiSecret: process.env['FAKE_REHOOK_SECRET'] } : {}),
}).then((fake) => {
  process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
});
