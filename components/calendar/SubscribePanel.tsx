"use client";

import { useState, useTransition } from "react";
import type { FeedLinkResult } from "@/app/my-calendar/actions";

interface SubscribePanelProps {
  /** When the current address was issued (ISO), if there is one. */
  issuedAt: string | null;
  resetFeedLink: () => Promise<FeedLinkResult>;
}

/**
 * "Subscribe in another calendar": the private ICS address. Only its hash is stored, so the address is
 * shown once, when it is made; making a new one turns the old one off.
 */
export function SubscribePanel({ issuedAt, resetFeedLink }: SubscribePanelProps) {
  const [url, setUrl] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const [pending, startTransition] = useTransition();
  const [hasLink, setHasLink] = useState(issuedAt !== null);

  const issue = () =>
    startTransition(async () => {
      const result = await resetFeedLink();
      if (result.ok) {
        setUrl(result.url);
        setHasLink(true);
        setMessage("");
      } else setMessage(result.message);
    });

  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setMessage("Address copied.");
    } catch {
      setMessage("Select the address and copy it.");
    }
  };

  return (
    <section className="subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Subscribe in another calendar</h2>
      <p>
        Add your appointments to Google Calendar, Outlook or your phone with a private address. Keep it to
        yourself: anyone with it can see your appointments.
      </p>
      {url ? (
        <div className="subscribe-url">
          <label htmlFor="feed-url">Your private calendar address</label>
          <input id="feed-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={copy}>
            Copy
          </button>
          <p className="muted">It is shown only now. If you lose it, make a new one.</p>
        </div>
      ) : hasLink ? (
        <p className="muted">You have a private address{issuedAt ? ` (made ${new Date(issuedAt).toLocaleDateString()})` : ""}.</p>
      ) : null}
      <button type="button" onClick={issue} disabled={pending}>
        {hasLink ? "Reset address" : "Get address"}
      </button>
      {hasLink && !url && <p className="muted">Resetting makes a new address; the old one stops working.</p>}
      <p role="status" className="muted">
        {pending ? "Working…" : message}
      </p>
    </section>
  );
}
