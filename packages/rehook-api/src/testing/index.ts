export {
  type FakeCustomer,
  type FakeFault,
  type FakeRehook,
  type FakeRehookOptions,
  type FakeRequest,
  type FakeRoute,
  type FakeTransaction,
  type FakeWallet,
  startFakeRehook,
} from './fake-rehook';
