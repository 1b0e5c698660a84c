-- Reads the occurrences starting in [start - look-back, end) from one or more index sets, with the
-- templates their compact members name (lib/events/index/members.ts); Node joins them into the feed.
-- KEYS[1] org max duration  KEYS[2] org template hash  KEYS[3..] sorted sets (the org set, or patient sets)
-- ARGV[1] start ms  ARGV[2] end ms  ARGV[3] hydration unit (ms)  ARGV[4] look-back when unknown (ms)
-- ARGV[5] TTL (s, slid on read)
-- ARGV[6] n, then n pairs (set number: 1 for KEYS[3]…, cut-off ms): an archived patient's set is read
--   only up to their archiving (lib/events/archive-cutoffs.ts); nothing past it is read, or needs hydrating.
-- Each set holds a sentinel member "~<unit>" (score -1) for every unit that is completely hydrated;
-- eviction takes a set with its sentinels, so a partial set is never mistaken for a complete one. A
-- template can be evicted apart from the sets: a member whose template is missing is a miss too.
-- Returns {1, "score\31member\31…", "ref\31…", "template\30…"} (templates in the order of the refs) on a hit;
-- {0, look-back known (1|0), "<set index>:<unit>"…} when units are missing; {2, ref…} when templates are.
local start, finish, unit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local known = redis.call('GET', KEYS[1])
local lookback = tonumber(known or ARGV[4])
local from = start - lookback
local firstUnit = math.floor(from / unit)

-- Where each set's read stops: the window's end, or an archived patient's cut-off before it.
local upto = {}
for k = 3, #KEYS do upto[k] = finish end
for i = 7, 6 + 2 * tonumber(ARGV[6] or '0'), 2 do
  local k = tonumber(ARGV[i]) + 2
  upto[k] = math.min(finish, tonumber(ARGV[i + 1]))
end

local missing = { 0, known and 1 or 0 }
for k = 3, #KEYS do
  if upto[k] > from then
    for u = firstUnit, math.floor((upto[k] - 1) / unit) do
      if not redis.call('ZSCORE', KEYS[k], '~' .. u) then missing[#missing + 1] = (k - 2) .. ':' .. u end
    end
  end
end
if #missing > 2 then return missing end

local ttl = tonumber(ARGV[5])
-- A compact member lies within one local day: Node drops those that end before the window.
local compactFrom = start - 86400000
local out, refs, seen = {}, {}, {}
local function keep(m, score)
  if string.byte(m, 14) == 124 then
    if tonumber(string.sub(m, 1, 13)) <= start then return end
  else
    if tonumber(score) <= compactFrom then return end
    local ref = string.sub(m, 1, 22)
    if not seen[ref] then
      seen[ref] = true
      refs[#refs + 1] = ref
    end
  end
  out[#out + 1] = score
  out[#out + 1] = m
end

if #KEYS == 3 then
  if upto[3] > from then
    local reply = redis.call('ZRANGEBYSCORE', KEYS[3], from, '(' .. upto[3], 'WITHSCORES')
    for i = 1, #reply, 2 do keep(reply[i], reply[i + 1]) end
  end
  redis.call('EXPIRE', KEYS[3], ttl)
else
  -- Several patients: a group session is in each of their sets; merge in (start, member) order.
  local dup, rows = {}, {}
  for k = 3, #KEYS do
    if upto[k] > from then
      local reply = redis.call('ZRANGEBYSCORE', KEYS[k], from, '(' .. upto[k], 'WITHSCORES')
      for i = 1, #reply, 2 do
        local m = reply[i]
        if not dup[m] then
          dup[m] = true
          rows[#rows + 1] = { tonumber(reply[i + 1]), m, reply[i + 1] }
        end
      end
    end
    redis.call('EXPIRE', KEYS[k], ttl)
  end
  table.sort(rows, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    return a[2] < b[2]
  end)
  for _, row in ipairs(rows) do keep(row[2], row[3]) end
end

local templates, absent = {}, { 2 }
for i = 1, #refs, 1000 do
  local got = redis.call('HMGET', KEYS[2], unpack(refs, i, math.min(i + 999, #refs)))
  for j = 1, #got do
    if got[j] then templates[#templates + 1] = got[j] else absent[#absent + 1] = refs[i + j - 1] end
  end
end
if #absent > 1 then return absent end
if #refs > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return { 1, table.concat(out, '\31'), table.concat(refs, '\31'), table.concat(templates, '\30') }
