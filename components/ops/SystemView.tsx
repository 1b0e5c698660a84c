import type { ReactNode } from "react";
import type { Level, SystemReport } from "@/lib/ops/system-report";
import { THRESHOLDS } from "@/lib/ops/system-report";
import styles from "./system.module.css";

/** The admin System page's figures; the level of each (ok / warn / alert) is written out, not only coloured. */
const LABEL: Record<Level, string> = { ok: "OK", warn: "Check", alert: "Alert", unknown: "No data" };

function Badge({ level }: { level: Level }) {
  return <span className={`${styles.badge} ${styles[level]}`}>{LABEL[level]}</span>;
}

function Card({ title, level, children, testId, wide }: { title: string; level: Level; children: ReactNode; testId: string; wide?: boolean }) {
  return (
    <section className={`${styles.card} ${wide ? styles.wide : ""}`} aria-label={title} data-testid={testId} data-level={level}>
      <h2>
        {title} <Badge level={level} />
      </h2>
      {children}
    </section>
  );
}

const percent = (ratio: number | null) => (ratio === null ? "—" : `${(ratio * 100).toFixed(1)} %`);
const ms = (value: number | null) => (value === null ? "unreachable" : `${value.toFixed(2)} ms`);
const count = (value: number | null | undefined) => (value === null || value === undefined ? "—" : value.toLocaleString("en-US"));
function bytes(value: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = value;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
const minuteLabel = (minute: number) => new Date(minute * 60_000).toISOString().slice(11, 16);

function Bar({ ratio, level }: { ratio: number | null; level: Level }) {
  return (
    <div className={`${styles.bar} ${styles[`bar_${level}`]}`} role="presentation">
      <span style={{ width: `${Math.round((ratio ?? 0) * 100)}%` }} />
    </div>
  );
}

export function SystemView({ report }: { report: SystemReport }) {
  const { cache, cacheRedis, sessionRedis, orgKeys, outbox, roundTrips, health } = report;
  const memoryRatio = cacheRedis.memory && cacheRedis.memory.maxBytes > 0 ? cacheRedis.memory.usedBytes / cacheRedis.memory.maxBytes : null;
  const healthLevel: Level = health.status === "ok" ? "ok" : health.status === "degraded" ? "warn" : "alert";
  return (
    <>
      <p className={styles.toolbar}>
        <span>Updated {report.generatedAt.slice(11, 19)} UTC; refreshes every 15 s.</span>
        <span>
          Health: <Badge level={healthLevel} /> Postgres {health.postgres}, cache Redis {health.redis}, sessions {health.sessions}
        </span>
        <span>
          Circuit breakers: cache {report.breakers.cache ?? "not connected"}, sessions {report.breakers.sessions ?? "not connected"}
        </span>
      </p>
      <div className={styles.grid}>
        <Card title="Cache hit ratio" level={cache.level} testId="hit-ratio" wide>
          <p className={`${styles.big} ${styles[`value_${cache.level}`]}`}>{percent(cache.ratio5 ?? cache.ratio15)}</p>
          <dl>
            <dt>Last 5 minutes</dt>
            <dd>{percent(cache.ratio5)}</dd>
            <dt>Last 15 minutes</dt>
            <dd>{percent(cache.ratio15)}</dd>
          </dl>
          <table className={styles.minutes}>
            <caption className={styles.note}>Feed reads per minute, all app instances (bypassed reads are not counted in the ratio)</caption>
            <thead>
              <tr>
                <th scope="col">UTC</th>
                <th scope="col">Hits (memory + Redis)</th>
                <th scope="col">Misses</th>
                <th scope="col">From Postgres</th>
                <th scope="col">Bypassed</th>
                <th scope="col">Ratio</th>
              </tr>
            </thead>
            <tbody>
              {cache.minutes.slice(-10).map((m) => {
                const asked = m.hot + m.hit + m.miss + m.fallback + m.error;
                const ratio = asked ? (m.hot + m.hit) / asked : null;
                const level: Level = ratio === null ? "unknown" : ratio < THRESHOLDS.hitRatio ? "alert" : "ok";
                return (
                  <tr key={m.minute}>
                    <td>{minuteLabel(m.minute)}</td>
                    <td>{m.hot + m.hit}</td>
                    <td>{m.miss}</td>
                    <td>{m.fallback + m.error}</td>
                    <td>{m.bypass}</td>
                    <td>
                      <Bar ratio={ratio} level={level} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className={styles.note}>Below {THRESHOLDS.hitRatio * 100} % the cache is worth less than it costs.</p>
        </Card>

        <Card title="Cache Redis memory" level={cacheRedis.memoryLevel} testId="cache-memory">
          <p className={`${styles.big} ${styles[`value_${cacheRedis.memoryLevel}`]}`}>
            {cacheRedis.memory && cacheRedis.memory.maxBytes === 0 ? "no limit" : percent(memoryRatio)}
          </p>
          <Bar ratio={memoryRatio} level={cacheRedis.memoryLevel} />
          <dl>
            <dt>Used</dt>
            <dd>{cacheRedis.memory ? bytes(cacheRedis.memory.usedBytes) : "unreachable"}</dd>
            <dt>maxmemory</dt>
            <dd>{cacheRedis.memory ? (cacheRedis.memory.maxBytes ? bytes(cacheRedis.memory.maxBytes) : "no limit set") : "—"}</dd>
            <dt>Policy</dt>
            <dd>{cacheRedis.memory?.policy ?? "—"}</dd>
          </dl>
          <p className={styles.note}>Alert over {THRESHOLDS.memory * 100} % of maxmemory; without a limit, set one (allkeys-lru).</p>
        </Card>

        <Card title="Evictions" level={cacheRedis.evictionLevel} testId="evictions">
          <p className={`${styles.big} ${styles[`value_${cacheRedis.evictionLevel}`]}`}>{count(cacheRedis.evictionsRecent)}</p>
          <dl>
            <dt>Last 5 minutes</dt>
            <dd>{count(cacheRedis.evictionsRecent)}</dd>
            <dt>Since Redis started</dt>
            <dd>{count(cacheRedis.memory?.evictedKeys)}</dd>
          </dl>
          <p className={styles.note}>Climbing evictions mean the hot horizon no longer fits: raise maxmemory.</p>
        </Card>

        <Card title="Index keys of this organisation" level={orgKeys ? "ok" : "unknown"} testId="org-keys">
          <dl>
            <dt>Organisation set</dt>
            <dd>{orgKeys ? (orgKeys.orgSetMembers === null ? "cold" : `${count(orgKeys.orgSetMembers)} members`) : "—"}</dd>
            <dt>Patient sets</dt>
            <dd>{orgKeys ? `${count(orgKeys.patientSets)} of ${count(orgKeys.patients)} patients` : "—"}</dd>
            <dt>Event records</dt>
            <dd>{orgKeys ? `${count(orgKeys.eventRecords)} of ${count(orgKeys.events)} events` : "—"}</dd>
          </dl>
          <p className={styles.note}>
            Cold sets are rebuilt on the next read (`npm run cache:warm` rebuilds them ahead). Event records appear when an event
            changes; they guard its revision.
          </p>
        </Card>

        <Card title="Outbox backlog" level={outbox.level} testId="outbox">
          <p className={`${styles.big} ${styles[`value_${outbox.level}`]}`}>{count(outbox.backlog?.rows)}</p>
          <dl>
            <dt>Events waiting</dt>
            <dd>{count(outbox.backlog?.events)}</dd>
            <dt>Oldest</dt>
            <dd>{outbox.backlog ? `${outbox.backlog.oldestSeconds.toFixed(1)} s` : "—"}</dd>
          </dl>
          <p className={styles.note}>
            Changes committed in Postgres, not yet in Redis. Alert when older than {THRESHOLDS.outboxAlertSeconds} s.
          </p>
        </Card>

        <Card title="Round trips" level={roundTrips.level} testId="round-trips">
          <dl>
            <dt>Postgres</dt>
            <dd>{ms(roundTrips.postgres)}</dd>
            <dt>Cache Redis</dt>
            <dd>{ms(roundTrips.redis)}</dd>
            <dt>Session Redis</dt>
            <dd>{ms(roundTrips.sessions)}</dd>
          </dl>
        </Card>

        <Card title="Session store" level={sessionRedis.policyLevel} testId="sessions">
          <dl>
            <dt>Active sessions</dt>
            <dd>{count(sessionRedis.sessions)}</dd>
            <dt>Instance</dt>
            <dd>{sessionRedis.separate ? "its own Redis" : "shared with the cache"}</dd>
            <dt>Policy</dt>
            <dd>{sessionRedis.memory?.policy ?? "—"}</dd>
            <dt>AOF</dt>
            <dd>{sessionRedis.memory ? (sessionRedis.memory.aof ? "on" : "off") : "—"}</dd>
          </dl>
          <p className={styles.note}>Sessions need noeviction and AOF; production runs them on their own instance.</p>
        </Card>
      </div>
    </>
  );
}
