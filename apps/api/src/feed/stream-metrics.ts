import { Gauge, type Registry } from 'prom-client';
import type { FeedHub } from './feed-hub';

/**
 * Gauges of this process's `/v1/stream`s, read from the hub at scrape time: how many are open,
 * and how many bytes written to them their clients have not taken yet (what slow clients make
 * the server hold; bounded per stream, see `FeedHubOptions.maxBufferBytes`).
 */
export function registerStreamMetrics(registry: Registry, hub: FeedHub): void {
  new Gauge({
    name: 'mirror_api_streams_open',
    help: 'Open /v1/stream connections of this API process',
    registers: [registry],
    collect() {
      this.set(hub.size);
    },
  });
  new Gauge({
    name: 'mirror_api_stream_unsent_bytes',
    help: 'Bytes written to the streams of this API process that their clients have not read yet',
    registers: [registry],
    collect() {
      this.set(hub.unsentBytes());
    },
  });
}
