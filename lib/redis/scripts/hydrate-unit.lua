-- Fills one hydration unit of one index set from a Postgres read, unless the index changed meanwhile.
-- KEYS[1] sorted set  KEYS[2] org watermark  KEYS[3] org max duration
-- ARGV[1] watermark read before the Postgres query  ARGV[2] unit sentinel ("~<unit>")  ARGV[3] set TTL (s)
-- ARGV[4] longest occurrence in this unit (ms)  ARGV[5..] score, member pairs
-- A write-through between the watermark read and now means the Postgres rows may predate it: adding
-- them could resurrect a deleted event or revert an edit, so the unit stays unhydrated instead.
-- A missing watermark never matches (the reader created one): it was evicted, maybe after a write-through.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
for i = 5, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[1], -1, ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
local longest = tonumber(ARGV[4])
if longest > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], longest) end
return 1
