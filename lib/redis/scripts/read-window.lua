-- Reads the occurrences overlapping [start, end) from one or more index sets, as one JSON array text.
-- KEYS[1] org max duration  KEYS[2..] sorted sets (the org set, or patient sets)
-- ARGV[1] start ms  ARGV[2] end ms  ARGV[3] hydration unit (ms)  ARGV[4] look-back when unknown (ms)
-- ARGV[5] set TTL (s, slid on read)  ARGV[6] optional patient id: keep only members that name it
-- (a patient's own feed never shows a member that does not list them, whatever a set holds, nor a
-- cancelled one: staff see those struck through, patients not at all).
-- Each set holds a sentinel member "~<unit>" (score -1) for every unit that is completely hydrated;
-- eviction takes a set with its sentinels, so a partial set is never mistaken for a complete one.
-- Returns {1, json} on a hit; on a miss {0, lookback known (1|0), "<set index>:<unit>"…}.
local start, finish, unit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local known = redis.call('GET', KEYS[1])
local lookback = tonumber(known or ARGV[4])
local from = start - lookback
local firstUnit, lastUnit = math.floor(from / unit), math.floor((finish - 1) / unit)

local missing = { 0, known and 1 or 0 }
for k = 2, #KEYS do
  for u = firstUnit, lastUnit do
    if not redis.call('ZSCORE', KEYS[k], '~' .. u) then missing[#missing + 1] = (k - 1) .. ':' .. u end
  end
end
if #missing > 2 then return missing end

local ttl = tonumber(ARGV[5])
local mustName = ARGV[6] and ('"' .. ARGV[6] .. '"') or nil
-- Only a key can read like this: inside a JSON string every quote is escaped.
local CANCELLED = '"status":"cancelled"'
local out = {}
if #KEYS == 2 then
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], from, '(' .. finish)) do
    if tonumber(string.sub(m, 1, 13)) > start
      and (not mustName or (string.find(m, mustName, 15, true) and not string.find(m, CANCELLED, 15, true))) then
      out[#out + 1] = string.sub(m, 15)
    end
  end
  redis.call('EXPIRE', KEYS[2], ttl)
else
  -- Several patients: a group session is in each of their sets; merge in (start, member) order.
  local seen, rows = {}, {}
  for k = 2, #KEYS do
    local reply = redis.call('ZRANGEBYSCORE', KEYS[k], from, '(' .. finish, 'WITHSCORES')
    for i = 1, #reply, 2 do
      local m = reply[i]
      if not seen[m] and tonumber(string.sub(m, 1, 13)) > start then
        seen[m] = true
        rows[#rows + 1] = { tonumber(reply[i + 1]), m }
      end
    end
    redis.call('EXPIRE', KEYS[k], ttl)
  end
  table.sort(rows, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    return a[2] < b[2]
  end)
  for i, row in ipairs(rows) do out[i] = string.sub(row[2], 15) end
end
return { 1, '[' .. table.concat(out, ',') .. ']' }
