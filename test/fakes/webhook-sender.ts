/**
 * The vendor side of webhooks in the fakes: the subscriptions atsgate registered through a
 * fake's API, and the POST a vendor sends to a subscriber when something changes. Each fake
 * builds the payload and signature its vendor documents; this only keeps the list and sends.
 */
import { randomUUID } from 'node:crypto';

export interface FakeSubscription {
  id: string;
  url: string;
  /** The vendor's event name (Ashby `candidateStageChange`, Lever `candidateStageChange`...). */
  event: string;
  /** What the vendor signs with for this subscription (a secret atsgate chose or one the vendor issued). */
  secret: string;
  /** Vendor-specific extras (SmartRecruiters' activation state). */
  active?: boolean;
}

/** Where a manual set-up sends (the URL and secret the customer pasted into the ATS). */
export interface ManualTarget {
  url: string;
  secret: string;
}

export interface FakeVendorWebhooks {
  /** Subscriptions atsgate registered through the vendor's API and has not removed. */
  registered(): FakeSubscription[];
  /**
   * A change in the ATS (the candidate's application moves to another stage), then the vendor's
   * signed webhook to each matching subscription, or to `manual` where the customer pasted the URL.
   * Resolves with the HTTP statuses the receivers answered.
   */
  changeCandidate(candidateRemoteId: string, manual?: ManualTarget): Promise<number[]>;
  /** Sends the last webhook again, byte for byte (a vendor's redelivery). */
  redeliverLast(): Promise<number[]>;
}

export class SubscriptionList {
  private readonly subs = new Map<string, FakeSubscription>();
  private last: { url: string; headers: Record<string, string>; body: string }[] = [];

  add(sub: Omit<FakeSubscription, 'id'> & { id?: string }): FakeSubscription {
    const s = { ...sub, id: sub.id ?? randomUUID() };
    this.subs.set(s.id, s);
    return s;
  }
  get(id: string): FakeSubscription | undefined {
    return this.subs.get(id);
  }
  remove(id: string): boolean {
    return this.subs.delete(id);
  }
  list(): FakeSubscription[] {
    return [...this.subs.values()];
  }
  /** Active subscriptions to one event (all of them when `event` is null). */
  to(event: string | null): FakeSubscription[] {
    return this.list().filter((s) => (event === null || s.event === event) && s.active !== false);
  }

  /** Sends one request per target; remembers them for redeliverLast(). */
  async send(requests: { url: string; headers: Record<string, string>; body: string }[]): Promise<number[]> {
    this.last = requests;
    return Promise.all(requests.map((r) => post(r.url, r.headers, r.body)));
  }
  async redeliverLast(): Promise<number[]> {
    return Promise.all(this.last.map((r) => post(r.url, r.headers, r.body)));
  }
}

export async function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}
