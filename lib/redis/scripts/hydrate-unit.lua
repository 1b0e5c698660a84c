-- Fills one hydration unit of one index set from a Postgres read, unless the index changed meanwhile.
-- KEYS[1] sorted set  KEYS[2] org watermark  KEYS[3] org max duration  KEYS[4] org template hash
-- ARGV[1] watermark read before the Postgres query  ARGV[2] unit sentinel ("~<unit>"; '' to fill templates only)
-- ARGV[3] TTL (s)  ARGV[4] longest occurrence in this unit (ms)  ARGV[5] n: template pairs that follow
-- ARGV[6 .. 5+2n] event ref, template  ARGV[6+2n ..] score, member pairs
-- A write-through between the watermark read and now means the Postgres rows may predate it: adding
-- them could resurrect a deleted event or revert an edit, so the unit stays unhydrated instead.
-- A missing watermark never matches (the reader created one): it was evicted, maybe after a write-through.
-- The templates the members name are written with them, so a unit is never complete without them.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[3])
local pairsEnd = 5 + 2 * tonumber(ARGV[5])
for i = 6, pairsEnd, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
if pairsEnd > 5 and redis.call('TTL', KEYS[4]) < 0 then redis.call('EXPIRE', KEYS[4], ttl) end
if ARGV[2] == '' then return 1 end
for i = pairsEnd + 1, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[1], -1, ARGV[2])
redis.call('EXPIRE', KEYS[1], ttl)
local longest = tonumber(ARGV[4])
if longest > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], longest) end
return 1
