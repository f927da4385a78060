import type { Coupon } from '../../schemas/coupons';
import type { Referral } from '../../schemas/referrals';
import type { Customer360 } from '../data/customer-360';
import { orDash, points, when } from '../format';
import { html, jsonScript, type SafeHtml } from '../html';
import { consoleHref, csrfField, customerHref, page } from '../layout';
import { eventTable } from './event-rows';

/** The query of the page as it is, so a pager link changes only its own list. */
export interface CustomerPageState {
  ledger?: string | undefined;
  events?: string | undefined;
  bodies: boolean;
}

function pager(sourceId: string, state: CustomerPageState, key: 'ledger' | 'events', next: string | null) {
  const here = { ledger: state.ledger, events: state.events, bodies: state.bodies ? '1' : undefined };
  const first =
    state[key] === undefined
      ? ''
      : html`<a href="${customerHref(sourceId, { ...here, [key]: undefined })}">First page</a>`;
  const older =
    next === null ? '' : html`<a href="${customerHref(sourceId, { ...here, [key]: next })}">Next page</a>`;
  return first === '' && older === '' ? '' : html`<p class="pager">${first} ${older}</p>`;
}

function party(p: Referral['advocate']): SafeHtml | string {
  if (p === null) return '(not known)';
  return p.sourceId === null
    ? html`<code>${p.rehookCustomerId}</code>`
    : html`<a href="${customerHref(p.sourceId)}">${p.sourceId}</a> <small>${p.rehookCustomerId}</small>`;
}

function referralTable(referrals: readonly Referral[], other: 'friend' | 'advocate'): SafeHtml {
  if (referrals.length === 0) return html`<p>None.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Campaign</th>
        <th scope="col">${other === 'friend' ? 'Friend' : 'Advocate'}</th>
        <th scope="col">Code</th>
        <th scope="col">Referred</th>
        <th scope="col">Friend rewarded</th>
        <th scope="col">Advocate rewarded</th>
      </tr>
    </thead>
    <tbody>
      ${referrals.map(
        (r) =>
          html`<tr>
            <td>${r.campaignId}</td>
            <td>${party(other === 'friend' ? r.friend : r.advocate)}</td>
            <td>${orDash(r.code)}</td>
            <td>${when(r.referredAt)}</td>
            <td>${points(r.friendRewardedPoints)} ${when(r.friendRewardedAt)}</td>
            <td>${points(r.advocateRewardedPoints)} ${when(r.advocateRewardedAt)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function couponTable(coupons: readonly Coupon[]): SafeHtml {
  if (coupons.length === 0) return html`<p>None.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Code</th>
        <th scope="col">Status</th>
        <th scope="col">Campaign</th>
        <th scope="col">Assigned</th>
        <th scope="col">Redemptions</th>
      </tr>
    </thead>
    <tbody>
      ${coupons.map(
        (c) =>
          html`<tr>
            <td><code>${c.code}</code></td>
            <td>${c.status}</td>
            <td>${orDash(c.campaignId)}</td>
            <td>${when(c.assignedAt)}</td>
            <td>
              ${
                c.redemptions.length === 0
                  ? '—'
                  : html`<ul>
                      ${c.redemptions.map(
                        (r) =>
                          html`<li>
                            <code>${r.redemptionId}</code> ${when(r.redeemedAt)}
                            ${r.rolledBack ? html`<strong>rolled back</strong> ${when(r.rolledBackAt)} ${orDash(r.rollbackReason)}` : ''}
                          </li>`,
                      )}
                    </ul>`
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Customer 360: everything the mirror knows about one customer, with the Fulfil action. */
export function customerPage(
  data: Customer360,
  state: CustomerPageState,
  frame: { csrf: string; notice?: string | undefined },
): SafeHtml {
  const c = data.customer;
  const id = c.sourceId;
  const properties = Object.entries(c.properties);
  const chart =
    data.balance.length === 0
      ? html`<p>No ledger entries yet.</p>`
      : html`<figure>
            <div
              class="chart"
              data-chart="balance-data"
              role="img"
              aria-label="Wallet balance after each ledger entry"
            ></div>
            <figcaption>
              Balance after each ledger
              entry${data.balanceCut ? ` (the first ${data.balance.length} entries only)` : ''}.
            </figcaption>
          </figure>
          ${jsonScript('balance-data', {
            x: data.balance.map((b) => Date.parse(b.at) / 1000),
            series: [{ label: 'Balance', values: data.balance.map((b) => b.balance) }],
            stepped: true,
          })}`;
  return page(
    { title: `Customer ${id}`, csrf: frame.csrf, notice: frame.notice, current: 'customer', charts: true },
    html`<hgroup>
        <h1 id="customer-title">${id}</h1>
        <p>Customer 360</p>
      </hgroup>

      <section aria-labelledby="identity">
        <h2 id="identity">Identity</h2>
        <table>
          <tbody>
            <tr>
              <th scope="row">Source id</th>
              <td><code>${id}</code></td>
            </tr>
            <tr>
              <th scope="row">Rehook id</th>
              <td><code>${orDash(c.rehookCustomerId)}</code></td>
            </tr>
            <tr>
              <th scope="row">First seen</th>
              <td>${when(c.firstSeenAt)}</td>
            </tr>
            <tr>
              <th scope="row">Last event</th>
              <td>${when(c.lastEventAt)}</td>
            </tr>
            <tr>
              <th scope="row">Events</th>
              <td>${c.eventCount}</td>
            </tr>
            ${properties.map(
              ([key, value]) =>
                html`<tr>
                  <th scope="row">${key}</th>
                  <td><code>${JSON.stringify(value)}</code></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="wallet">
        <h2 id="wallet">Wallet</h2>
        <div class="figures">
          <article>
            <small>Balance</small><strong data-figure="balance">${points(c.wallet.balance)}</strong>
          </article>
          <article>
            <small>Credited</small><strong data-figure="credited">${points(c.wallet.credited)}</strong>
          </article>
          <article>
            <small>Debited</small><strong data-figure="debited">${points(c.wallet.debited)}</strong>
          </article>
          <article>
            <small>Pending webhook rewards</small
            ><strong data-figure="pending">${points(c.wallet.pendingRewardPoints)}</strong>
          </article>
        </div>
        ${chart}
        <h3>Ledger</h3>
        ${
          data.ledger.items.length === 0
            ? html`<p>No ledger entries.</p>`
            : html`<table class="striped" id="ledger">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Transaction</th>
                    <th scope="col">Direction</th>
                    <th scope="col">Points</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  ${data.ledger.items.map(
                    (t) =>
                      html`<tr>
                        <td>${when(t.occurredAt)}</td>
                        <td><code>${t.transactionId}</code></td>
                        <td>${t.direction}</td>
                        <td>${t.direction === 'debit' ? '−' : '+'}${points(t.points)}</td>
                        <td>${orDash(t.description)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
        ${pager(id, state, 'ledger', data.ledger.nextCursor)}
      </section>

      <section aria-labelledby="pending-rewards">
        <h2 id="pending-rewards">Pending webhook rewards</h2>
        ${
          data.pendingRewards.length === 0
            ? html`<p>None: every webhook reward is fulfilled.</p>`
            : html`<table id="pending">
                <thead>
                  <tr>
                    <th scope="col">Redemption</th>
                    <th scope="col">Points</th>
                    <th scope="col">Reward</th>
                    <th scope="col">Campaign</th>
                    <th scope="col">Rewarded</th>
                    <th scope="col"><span class="visually-hidden">Action</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${data.pendingRewards.map(
                    (r) =>
                      html`<tr data-redemption="${r.redemptionId}">
                        <td><code>${r.redemptionId}</code></td>
                        <td>${points(r.points)}</td>
                        <td>${orDash(r.rewardName)}</td>
                        <td>${orDash(r.campaignId)}</td>
                        <td>${when(r.rewardedAt)}</td>
                        <td>
                          <form
                            class="inline"
                            method="post"
                            action="${consoleHref(`/rewards/${encodeURIComponent(r.redemptionId)}/fulfil`)}"
                          >
                            ${csrfField(frame.csrf)}
                            <button type="submit" aria-label="Fulfil reward ${r.redemptionId}">Fulfil</button>
                          </form>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>

      <section aria-labelledby="orders">
        <h2 id="orders">Orders</h2>
        <table>
          <tbody>
            <tr>
              <th scope="row">Orders</th>
              <td data-figure="orders-count">${c.orders.count}</td>
            </tr>
            <tr>
              <th scope="row">Total</th>
              <td data-figure="orders-total">${points(c.orders.total)}</td>
            </tr>
            <tr>
              <th scope="row">Last order</th>
              <td>${when(c.orders.lastOrderAt)}</td>
            </tr>
          </tbody>
        </table>
      </section>

      <section aria-labelledby="coupons">
        <h2 id="coupons">Coupons</h2>
        ${couponTable(data.coupons)}
      </section>

      <section aria-labelledby="segments">
        <h2 id="segments">Segments</h2>
        ${
          c.segments.length === 0
            ? html`<p>None.</p>`
            : html`<ul>
                ${c.segments.map((s) => html`<li>${orDash(s.name)} <code>${s.segmentId}</code>, since ${when(s.enteredAt)}</li>`)}
              </ul>`
        }
      </section>

      <section aria-labelledby="referrals">
        <h2 id="referrals">Referrals</h2>
        <h3>As advocate</h3>
        ${referralTable(c.referrals.asAdvocate, 'friend')}
        <h3>As friend</h3>
        ${referralTable(c.referrals.asFriend, 'advocate')}
      </section>

      <section aria-labelledby="awards">
        <h2 id="awards">Leaderboard awards</h2>
        ${
          c.leaderboardAwards.length === 0
            ? html`<p>None.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">Campaign</th>
                    <th scope="col">Leaderboard</th>
                    <th scope="col">Period</th>
                    <th scope="col">Rank</th>
                    <th scope="col">Score</th>
                    <th scope="col">Points</th>
                    <th scope="col">Reward</th>
                  </tr>
                </thead>
                <tbody>
                  ${c.leaderboardAwards.map(
                    (a) =>
                      html`<tr>
                        <td>${a.campaignId}</td>
                        <td>${a.leaderboardId}</td>
                        <td>${orDash(a.recurrenceStart)} – ${when(a.recurrenceEnd)}</td>
                        <td>${orDash(a.rank)}</td>
                        <td>${points(a.score)}</td>
                        <td>${points(a.points)}</td>
                        <td>${orDash(a.rewardName)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>

      <section aria-labelledby="timeline">
        <h2 id="timeline">Event timeline</h2>
        <p>
          In receipt order.
          ${
            state.bodies
              ? html`<a href="${customerHref(id, { ledger: state.ledger, events: state.events })}#timeline"
                  >Hide raw bodies</a
                >`
              : html`<a
                  href="${customerHref(id, { ledger: state.ledger, events: state.events, bodies: '1' })}#timeline"
                  >Show raw bodies</a
                >`
          }
        </p>
        ${eventTable(data.events.items, { customerColumn: false })}
        ${pager(id, state, 'events', data.events.nextCursor)}
      </section>`,
  );
}
