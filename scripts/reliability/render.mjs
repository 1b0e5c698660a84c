// Renders RELIABILITY.md from the figures the fault scenarios wrote (one JSON file per scenario).
import fs from 'node:fs';
import path from 'node:path';

const ms = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
const statuses = (s) => Object.entries(s ?? {}).map(([code, n]) => `${n}×${code === '0' ? 'no answer' : code}`).join(', ');
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map((h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(row)].join('\n');
const reqs = (label, f) => [label, f.requests, f.failed, statuses(f.statuses), ms(f.p50Ms), ms(f.p95Ms), ms(f.maxMs)];
const REQ_HEAD = ['requests', 'n', 'failed', 'answers', 'p50', 'p95', 'longest'];
const list = (items) => (items?.length ? items.length : 0);

function cacheOutage(f) {
  const rows = [reqs('before: reads (index)', f.hits), reqs('before: same reads, CACHE_MODE=off (uncached)', f.uncached)];
  for (const fault of f.faults) {
    rows.push(reqs(`${fault.name}: reads during the outage`, fault.outage.reads));
    rows.push(reqs(`${fault.name}: writes during the outage`, fault.outage.writes));
    rows.push(reqs(`${fault.name}: reads right after the return`, fault.returning.reads));
    rows.push(reqs(`${fault.name}: reads once caught up`, fault.afterwards.reads));
  }
  const summary = f.faults.map((fault) => [
    fault.name,
    `${(fault.outage.reads.p50Ms / f.uncached.p50Ms).toFixed(2)}×`,
    ms(fault.outage.reads.maxMs),
    `${fault.acknowledgedWrites} / ${fault.foundWrites}`,
    list(fault.staleServed),
    ms(fault.catchUpMs),
    list(fault.differences),
  ]);
  return [
    '## Cache Redis down (sessions on their own instance)',
    '',
    'Staff write on one instance and read on another (same session), while the cache Redis is stopped (it',
    'comes back from its AOF with the old index) and then frozen with SIGSTOP (commands hang). Failed = any',
    'answer other than 2xx.',
    '',
    table(REQ_HEAD, rows),
    '',
    table(
      ['fault', 'outage p50 / uncached p50', 'longest read', 'writes acknowledged / found afterwards', 'stale or deleted served', 'outbox caught up in', 'checker differences'],
      summary,
    ),
  ].join('\n');
}

function sessionOutage(f) {
  return [
    '## Session store down',
    '',
    'Signed-in reads and sign-ins while the session Redis is away: every one must be refused with 503 (failed =',
    'any other answer). "Resumed" is the time from the store\'s return to the first signed-in 200.',
    '',
    table(
      ['fault', 'signed-in reads', 'refused 503', 'not 503', 'longest', 'sign-ins', 'not 503', '/api/health', 'resumed in', 'sign-in after'],
      f.faults.map((fault) => [
        fault.name,
        fault.reads.requests,
        fault.reads.statuses['503'] ?? 0,
        fault.reads.failed,
        ms(fault.reads.maxMs),
        fault.logins.requests,
        fault.logins.failed,
        `${fault.health.status} ${fault.health.body?.status ?? ''}`,
        ms(fault.resumeMs),
        fault.loginAfter,
      ]),
    ),
  ].join('\n');
}

function postgresOutage(f) {
  return [
    '## Postgres down, frozen or slow',
    '',
    'Reads of windows the index holds (staff\'s organisation views, a patient\'s own calendar) must be served',
    '(failed = not 200); writes must be refused with 503 `unavailable` (failed = anything else).',
    '',
    table(
      ['fault', 'reads', 'failed', 'longest read', 'writes', 'not 503', 'longest write', '/api/health', 'left half-written', 'write after', 'checker differences'],
      f.faults.map((fault) => [
        fault.name,
        fault.reads.requests,
        fault.reads.failed,
        ms(fault.reads.maxMs),
        fault.writes.requests,
        fault.writes.failed,
        ms(fault.writes.maxMs),
        `${fault.health.status} ${fault.health.body?.status ?? ''}`,
        list(fault.halfWritten),
        fault.afterwardsWrite,
        list(fault.differences),
      ]),
    ),
  ].join('\n');
}

function stampede(f) {
  return [
    '## Redis restarted empty: rehydration under a stampede',
    '',
    `${f.concurrentRequests} identical requests at once right after the cache restarted empty. Rebuild queries are`,
    'counted by Postgres (pg_stat_statements); fills per index unit by Redis (MONITOR).',
    '',
    table(
      ['window', 'requests', 'failed', 'p50', 'longest', 'answers ≠ Postgres', 'units rebuilt', 'most fills of one unit', 'rebuild queries', 'feed reads from Postgres', 'look-back reads'],
      f.bursts.map((b) => [
        `${b.name} (${b.occurrences} occurrences)`,
        b.requests.requests,
        b.requests.failed,
        ms(b.requests.p50Ms),
        ms(b.requests.maxMs),
        b.differentAnswers,
        b.unitsRebuilt,
        b.mostRebuildsOfOneUnit,
        b.postgres.organizationRebuilds + b.postgres.patientRebuilds,
        b.postgres.feedReadsFromPostgres,
        b.postgres.lookbackPrimes,
      ]),
    ),
    '',
    f.wholeIndex
      ? `Whole-index check of that database afterwards: ${f.wholeIndex.organizations} organisations, ${f.wholeIndex.differences.length} with differences, ${f.wholeIndex.orphanKeys.length} orphan keys, ${f.wholeIndex.pendingOutbox} outbox rows pending.`
      : '',
  ].join('\n');
}

function memoryPressure(f) {
  return [
    '## Memory pressure (maxmemory, allkeys-lru)',
    '',
    `The cache runs with maxmemory ${f.maxmemory} and allkeys-lru, smaller than the index of the four organisations read;`,
    'writes happen between rounds. Every answer is compared with what Postgres answers for the same window.',
    '',
    table(
      ['reads', 'failed', 'answers ≠ Postgres', 'p50', 'longest', 'keys evicted', 'keyspace misses', 'writes acknowledged', 'checker differences'],
      [[f.reads.requests, f.reads.failed, list(f.mismatches), ms(f.reads.p50Ms), ms(f.reads.maxMs), f.evictedKeys, f.keyspaceMisses, f.writesAcknowledged, list(f.differences)]],
    ),
  ].join('\n');
}

function concurrentEdits(f) {
  return [
    '## Concurrent conflicting edits of one series',
    '',
    'Two instances; 20 pairs of simultaneous drags of the same occurrence, then a storm of this/all edits',
    '(24 in flight), each carrying the version its author read. Failed = any answer other than 200 or 409.',
    '',
    table(
      ['edits', 'failed', 'applied (200)', 'conflicts (409)', 'p50', 'longest', 'pairs with one winner', 'acknowledged / versions advanced', 'one unbroken chain', 'index = Postgres', 'checker differences'],
      [[
        f.attempts.requests,
        f.attempts.failed,
        f.attempts.statuses['200'] ?? 0,
        f.attempts.statuses['409'] ?? 0,
        ms(f.attempts.p50Ms),
        ms(f.attempts.maxMs),
        `${f.pairsWithOneWinner} / ${f.pairs}`,
        `${f.acknowledgedWrites} / ${f.versionsAdvanced}`,
        f.chainUnbroken ? 'yes' : 'NO',
        f.indexEqualsPostgres ? 'yes' : 'NO',
        list(f.differences),
      ]],
    ),
    '',
    `By kind: ${Object.entries(f.byKind).map(([kind, s]) => `${kind} ${statuses(s)}`).join('; ')}.`,
  ].join('\n');
}

function replicas(f) {
  return [
    '## Postgres read replica',
    '',
    'A streaming replica on loopback (same major version). Feed reads from Postgres (CACHE_MODE=off); "served by" is',
    'counted on each server (pg_stat_statements). Stale = a read that missed a write acknowledged before it.',
    '',
    table(
      ['phase', 'reads', 'failed', 'stale', 'served by the replica', 'served by the primary', 'p50', 'longest'],
      f.phases.map((p) => [p.name, p.reads.requests, p.reads.failed, p.stale, p.servedByReplica, p.servedByPrimary, ms(p.reads.p50Ms), ms(p.reads.maxMs)]),
    ),
  ].join('\n');
}

function multiInstance(f) {
  return [
    '## Several instances',
    '',
    table(
      ['Redis', 'session from A on B', 'change on A reaches B live', 'live latency', "B's next read shows it", 'signed out on B, then on A'],
      f.runs.map((r) => [r.label, r.sessionFromAWorksOnB, r.liveChangeOnB ? 'yes' : 'NO', ms(r.liveLatencyMs), r.feedOnBShowsIt ? 'yes' : 'NO', r.sessionOnAAfterSignOutOnB]),
    ),
  ].join('\n');
}

const SECTIONS = [
  ['cache-outage', cacheOutage],
  ['session-outage', sessionOutage],
  ['postgres-outage', postgresOutage],
  ['stampede', stampede],
  ['memory-pressure', memoryPressure],
  ['concurrent-edits', concurrentEdits],
  ['replicas', replicas],
  ['multi-instance', multiInstance],
];

const LIMITS = `## What is not covered, and why

- **The moment between a write's acknowledgement and its invalidation's delivery.** As without faults, an
  instance may serve what it held until the invalidation reaches it. A writer whose breaker is still open
  after Redis came back announces each change it could not write through on the live channel anyway
  (past its breaker, not waited for), and instances that hear it replay the outbox before reading the
  index again; if Redis is away the announcement is lost, but then every instance's heartbeat has already
  taken reads off the index. The scenarios write only during the outage, so this path is covered by an
  integration test (\`lib/events/index/unindexed-announcement.test.ts\`), not by the figures here.
- **A write-through delayed across a Redis restart.** Records and tombstones make write-throughs apply in
  revision order; a write-through that read Postgres before a delete and reaches Redis only after Redis lost
  the tombstone (restarted empty) could bring the deleted event back until its set expires. It needs a
  restart to fall between a read and a write of one write-through; no scenario has produced it.
- **Postgres hanging under other routes.** Feed reads, index rebuilds and event writes have client-side
  deadlines (\`DB_STATEMENT_TIMEOUT_MS\`); other routes rely on the server's statement timeout, which a
  frozen server does not enforce, so they wait until it answers again.
- **A server that stalls as long as a command timeout while Postgres is away.** An instance distrusts its
  index after a gap of a whole \`REDIS_COMMAND_TIMEOUT_MS\` between two heartbeat answers, because another
  instance may have acknowledged a write without indexing it in such a gap. From inside a stalled event
  loop a Redis outage and the stall itself look the same, so a stall that long also makes it replay the
  outbox, which needs Postgres: while Postgres is away too, its reads answer 503 until it returns. Shorter
  stalls (the common case on a busy machine) no longer count; reads wait for the next answer instead. Nor
  do stalls time out commands that Redis answered meanwhile: a command's timeout is judged only after the
  replies that arrived during the stall have been read (\`lib/redis/client.ts\`), so a stall does not open a
  breaker either.
- **Staff views filtered by patients or a cohort** check the ids against Postgres unless this instance has
  checked them before: with Postgres down, those not yet checked answer 503.
- **Latencies** here come from a small shared machine (see the load average above): compare them with each
  other, not with production.
`;

export function renderReport(dir, machine) {
  const parts = [
    '# Reliability: faults and figures',
    '',
    'Generated by `npm run reliability` from the fault scenarios in `lib/reliability/*.fault.test.ts` (which',
    '`npm test` also runs and asserts). Every scenario drives the production build (`next start`) over HTTP',
    'against real servers it starts itself (redis-server, Postgres from the embedded binaries, a 3-master',
    'Redis Cluster, a streaming replica); nothing is mocked. Latencies are measured, never asserted: they',
    'depend on the machine, noted below.',
    '',
    `Measured ${machine.date} on ${machine.cpus} × ${machine.cpu}, load average ${machine.load} at the start.`,
    '',
  ];
  for (const [name, render] of SECTIONS) {
    const file = path.join(dir, `${name}.json`);
    if (!fs.existsSync(file)) {
      parts.push(`## ${name}`, '', '_No figures: the scenario did not run or failed before writing them._', '');
      continue;
    }
    parts.push(render(JSON.parse(fs.readFileSync(file, 'utf8'))), '');
  }
  parts.push(LIMITS);
  return `${parts.join('\n').trimEnd()}\n`;
}
