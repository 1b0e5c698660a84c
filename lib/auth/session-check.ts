import "server-only";
import { AppError } from "@/lib/errors";
import { sessionRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import type { Actor, Role } from "./actor";

export function storeUnavailable(error: unknown): AppError {
  return new AppError("unavailable", "The session store is unavailable; try again shortly", {
    cause: error instanceof Error ? error.message : String(error),
  });
}

/**
 * Checks both expiries against the caller's clock (so tests can move time) and slides the idle expiry, in
 * one atomic step: a concurrent request cannot revive a session another one found expired. Returns the
 * record, "expired" (deleted here) or nothing (unknown or revoked). The Redis TTL follows the same
 * deadlines, so abandoned sessions also disappear on their own.
 *
 * With ARGV[3..5] it also spends one request of the user's API budget, in the same round trip: the counter
 * is rate-limiter-flexible's (lib/rate-limit: `<prefix>:<userId>`, a fixed window), so both count alike.
 * Its key comes from the record; the session Redis is one instance, never a cluster (DESIGN.md).
 *
 * With ARGV[6..13] it also appends an audit entry (ARGV[7]) to the audit stream (ARGV[6], on this same
 * instance), but only when the request is allowed (within budget) and the record names exactly the actor
 * the entry was written for (ARGV[8..13]): a hot read whose answer is already in hand is then checked,
 * counted and audited in one round trip. '@audited' says whether the entry went in.
 */
const TOUCH_SCRIPT = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
local record = {}
for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
local now = tonumber(ARGV[1])
local idleMs = tonumber(ARGV[2])
local absolute = tonumber(record['absoluteExpiresAt']) or 0
local last = tonumber(record['lastSeenAt']) or tonumber(record['createdAt']) or 0
if absolute <= now or now - last >= idleMs then
  redis.call('DEL', KEYS[1])
  return {'expired', record['userId'] or ''}
end
if now > last then redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], math.min(idleMs, absolute - now))
if ARGV[3] and record['userId'] then
  local budget = ARGV[3] .. ':' .. record['userId']
  local seconds = tonumber(ARGV[5])
  redis.call('SET', budget, 0, 'EX', seconds, 'NX')
  local spent = redis.call('INCRBY', budget, 1)
  local left = redis.call('PTTL', budget)
  if left == -1 then
    redis.call('EXPIRE', budget, seconds)
    left = seconds * 1000
  end
  fields[#fields + 1] = '@spent'
  fields[#fields + 1] = tostring(spent)
  fields[#fields + 1] = '@resetMs'
  fields[#fields + 1] = tostring(left)
  if ARGV[6] and spent <= tonumber(ARGV[4]) and record['userId'] == ARGV[8] and record['orgId'] == ARGV[9]
    and record['role'] == ARGV[10] and (record['patientId'] or '') == ARGV[11] and record['timeZone'] == ARGV[12]
    and record['orgTimeZone'] == ARGV[13] then
    if pcall(redis.call, 'XADD', ARGV[6], '*', 'e', ARGV[7]) then
      fields[#fields + 1] = '@audited'
      fields[#fields + 1] = '1'
    end
  end
end
return fields
`;

type SessionRedis = ReturnType<typeof sessionRedis> & {
  touchSession(key: string, now: string, idleMs: string, ...budget: string[]): Promise<string[] | null>;
};

const registered = new WeakSet<object>();
function scripted(): SessionRedis {
  const redis = sessionRedis();
  if (!registered.has(redis)) {
    // EVALSHA (ioredis falls back to EVAL once per connection): the script text is not sent per request.
    redis.defineCommand("touchSession", { numberOfKeys: 1, lua: TOUCH_SCRIPT });
    registered.add(redis);
  }
  return redis as SessionRedis;
}

/** One request of a per-user budget, spent in the session check's round trip. */
export interface ApiBudget {
  /** rate-limiter-flexible's key prefix of the budget (keys.rateLimit(name)). */
  keyPrefix: string;
  points: number;
  windowSeconds: number;
}

export interface BudgetVerdict {
  /** Over budget: the time until the window resets. */
  refusedForMs: number | null;
}

/** An audit entry to append in the session check's round trip, if the session belongs to `actor`. */
export interface PrepaidAudit {
  actor: Actor;
  /** The entry as the audit stream carries it (lib/audit/record: JSON of an AuditEntry). */
  entry: string;
}

/** Reads a session and slides its idle expiry; null when it is unknown, revoked or expired. */
export async function readSession(id: string, now = Date.now()): Promise<Actor | null> {
  return (await touchSession(id, now))?.actor ?? null;
}

/**
 * As readSession, and spends one request of the user's budget in the same round trip (the API guard);
 * with `audit`, also appends that entry when the request is allowed and the session is that actor's
 * (`audited`). An unknown or expired session spends nothing.
 */
export async function readSessionSpending(
  id: string,
  budget: ApiBudget,
  now = Date.now(),
  audit?: PrepaidAudit,
): Promise<{ actor: Actor; verdict: BudgetVerdict; audited: boolean } | null> {
  const touched = await touchSession(id, now, budget, audit);
  if (!touched) return null;
  return { actor: touched.actor, verdict: touched.verdict ?? { refusedForMs: null }, audited: touched.audited };
}

function auditArgs(audit: PrepaidAudit | undefined): string[] {
  if (!audit) return [];
  const { actor } = audit;
  return [keys.auditStream(), audit.entry, actor.userId, actor.orgId, actor.role, actor.patientId ?? "", actor.timeZone, actor.orgTimeZone];
}

async function touchSession(
  id: string,
  now: number,
  budget?: ApiBudget,
  audit?: PrepaidAudit,
): Promise<{ actor: Actor; verdict?: BudgetVerdict; audited: boolean } | null> {
  let reply: string[] | null;
  try {
    const extra = budget ? [budget.keyPrefix, String(budget.points), String(budget.windowSeconds), ...auditArgs(audit)] : [];
    reply = await scripted().touchSession(keys.session(id), String(now), String(ttl.sessionIdleSeconds * 1000), ...extra);
  } catch (error) {
    throw storeUnavailable(error);
  }
  if (!reply) return null;
  if (reply[0] === "expired") {
    if (reply[1]) await sessionRedis().srem(keys.userSessions(reply[1]), id).catch(() => {});
    return null;
  }
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) record[reply[i]!] = reply[i + 1]!;
  if (!record.userId) return null;
  const actor: Actor = {
    userId: record.userId,
    orgId: record.orgId ?? "",
    role: record.role as Role,
    patientId: record.patientId || null,
    timeZone: record.timeZone ?? "UTC",
    orgTimeZone: record.orgTimeZone ?? "UTC",
  };
  const audited = record["@audited"] === "1";
  if (!budget || record["@spent"] === undefined) return { actor, audited };
  const refused = Number(record["@spent"]) > budget.points;
  return { actor, verdict: { refusedForMs: refused ? Math.max(0, Number(record["@resetMs"])) : null }, audited };
}
