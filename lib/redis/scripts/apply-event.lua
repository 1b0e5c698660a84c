-- Writes one event's current state through to the index, only if it is newer than what the index holds.
-- KEYS[1] event record  KEYS[2] org sorted set  KEYS[3] org watermark  KEYS[4] org max duration
-- KEYS[5] org template hash
-- ARGV[1] patient-set key prefix ("<prefix>organization:{<org>}:subscriber:")  ARGV[2] event id
-- ARGV[3] revision  ARGV[4] deleted (1|0)  ARGV[5] previous occurrences JSON [[startMs,[patientId…]]…]
-- ARGV[6] members JSON [[startMs,member,[patientId…]]…]  ARGV[7] longest occurrence (ms)
-- ARGV[8] set TTL (s)  ARGV[9] record TTL (s)  ARGV[10] tombstone TTL (s)  ARGV[11] channel  ARGV[12] message
-- ARGV[13] event ref  ARGV[14] the event's template ('' when it has no occurrences or is deleted)
-- Members are compact ("<ref><date><offset>", 38 bytes) or full ("<13-digit end ms>|<occurrence JSON>")
-- (lib/events/index/members.ts); every key shares the organisation's hash tag.
local record, orgSet = KEYS[1], KEYS[2]
local revision = tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', record, 'r') or '0')
if current >= revision then return 0 end

local function patientSet(id) return ARGV[1] .. id .. ':events' end
local idPrefix = '{"id":"' .. ARGV[2] .. '_'
local ref = ARGV[13]
local function removeAt(set, score)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', set, score, score)) do
    if (#m == 38 and string.sub(m, 1, 22) == ref) or string.sub(m, 15, 14 + #idPrefix) == idPrefix then
      redis.call('ZREM', set, m)
    end
  end
end

-- What the index holds for this event: its record says; when the record is gone (evicted), what Postgres
-- held before the change does.
local held = redis.call('HGET', record, 'm') or ARGV[5]
for _, occurrence in ipairs(cjson.decode(held)) do
  removeAt(orgSet, occurrence[1])
  for _, patient in ipairs(occurrence[2]) do removeAt(patientSet(patient), occurrence[1]) end
end

local setTtl = tonumber(ARGV[8])
local touched = {}
local index = {}
for _, occurrence in ipairs(cjson.decode(ARGV[6])) do
  redis.call('ZADD', orgSet, occurrence[1], occurrence[2])
  touched[orgSet] = true
  for _, patient in ipairs(occurrence[3]) do
    local set = patientSet(patient)
    redis.call('ZADD', set, occurrence[1], occurrence[2])
    touched[set] = true
  end
  index[#index + 1] = { occurrence[1], occurrence[3] }
end
-- Members and their template change together: a read never joins a member with another revision's template.
if ARGV[14] ~= '' then
  redis.call('HSET', KEYS[5], ref, ARGV[14])
  touched[KEYS[5]] = true
else
  redis.call('HDEL', KEYS[5], ref)
end
-- A key created here has no TTL yet; give it one so cold organisations dehydrate.
for set in pairs(touched) do
  if redis.call('TTL', set) < 0 then redis.call('EXPIRE', set, setTtl) end
end

redis.call('DEL', record)
if ARGV[4] == '1' then
  redis.call('HSET', record, 'r', revision, 'd', 1)
  redis.call('EXPIRE', record, tonumber(ARGV[10]))
else
  redis.call('HSET', record, 'r', revision, 'm', #index > 0 and cjson.encode(index) or '[]')
  redis.call('EXPIRE', record, tonumber(ARGV[9]))
end

redis.call('INCR', KEYS[3])
local longest = tonumber(ARGV[7])
if longest > tonumber(redis.call('GET', KEYS[4]) or '0') then redis.call('SET', KEYS[4], longest) end
redis.call('PUBLISH', ARGV[11], ARGV[12])
return 1
