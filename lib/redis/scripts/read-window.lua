-- Reads the occurrences overlapping [start, end) from one or more index sets, as one JSON array text.
-- KEYS[1] org max duration  KEYS[2..] sorted sets (the org set, or patient sets)
-- ARGV[1] start ms  ARGV[2] end ms  ARGV[3] hydration unit (ms)  ARGV[4] look-back when unknown (ms)
-- ARGV[5] set TTL (s, slid on read)  ARGV[6] patient id or '': keep only members that name it
-- (a patient's own feed never shows a member that does not list them, whatever a set holds, nor a
-- cancelled one: staff see those struck through, patients not at all).
-- Archived patients (lib/events/archive-cutoffs.ts: an occurrence starting at or after a patient's
-- archiving is hidden for them):
-- ARGV[7] n, then n pairs (set number: 1 for KEYS[2]…, cut-off ms): members of that patient's set
--   starting at or after the cut-off are left out (nothing past it is read, or needs hydrating).
-- ARGV[8 + 2n..] pairs (patient id, cut-off ms), for the org set: a member is left out when it names
--   at least one patient and each of them is listed with a cut-off at or before the member's start.
-- Each set holds a sentinel member "~<unit>" (score -1) for every unit that is completely hydrated;
-- eviction takes a set with its sentinels, so a partial set is never mistaken for a complete one.
-- Returns {1, json} on a hit; on a miss {0, lookback known (1|0), "<set index>:<unit>"…}.
local start, finish, unit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local known = redis.call('GET', KEYS[1])
local lookback = tonumber(known or ARGV[4])
local from = start - lookback
local firstUnit = math.floor(from / unit)

-- Where each set's read stops: the window's end, or an archived patient's cut-off before it.
local upto = {}
for k = 2, #KEYS do upto[k] = finish end
local cuts = tonumber(ARGV[7] or '0')
for i = 8, 7 + 2 * cuts, 2 do
  local k = tonumber(ARGV[i]) + 1
  upto[k] = math.min(finish, tonumber(ARGV[i + 1]))
end
local archived, earliestCut, latestCut = nil, nil, nil
for i = 8 + 2 * cuts, #ARGV - 1, 2 do
  archived = archived or {}
  local cut = tonumber(ARGV[i + 1])
  archived[ARGV[i]] = cut
  if not earliestCut or cut < earliestCut then earliestCut = cut end
  if not latestCut or cut > latestCut then latestCut = cut end
end

local missing = { 0, known and 1 or 0 }
for k = 2, #KEYS do
  if upto[k] > from then
    for u = firstUnit, math.floor((upto[k] - 1) / unit) do
      if not redis.call('ZSCORE', KEYS[k], '~' .. u) then missing[#missing + 1] = (k - 1) .. ':' .. u end
    end
  end
end
if #missing > 2 then return missing end

-- Whether every patient the member names was archived at or before its start (score). Only a key can
-- read '"patientIds":[' (inside a JSON string every quote is escaped); ids are 36-character UUIDs.
local function hidden(m, score)
  if not archived or score < earliestCut then return false end
  local at = string.find(m, '"patientIds":[', 15, true)
  if not at then return false end
  local q = at + 14
  if string.sub(m, q, q) ~= '"' then return false end
  while string.sub(m, q, q) == '"' do
    local cut = archived[string.sub(m, q + 1, q + 36)]
    if not cut or score < cut then return false end
    q = q + 39
  end
  return true
end

local ttl = tonumber(ARGV[5])
local mustName = (ARGV[6] and ARGV[6] ~= '') and ('"' .. ARGV[6] .. '"') or nil
-- Only a key can read like this: inside a JSON string every quote is escaped.
local CANCELLED = '"status":"cancelled"'
local out = {}
if #KEYS == 2 and not archived then
  if upto[2] > from then
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], from, '(' .. upto[2])) do
      if tonumber(string.sub(m, 1, 13)) > start
        and (not mustName or (string.find(m, mustName, 15, true) and not string.find(m, CANCELLED, 15, true))) then
        out[#out + 1] = string.sub(m, 15)
      end
    end
  end
  redis.call('EXPIRE', KEYS[2], ttl)
elseif #KEYS == 2 and latestCut <= from then
  -- The org set, every archiving before anything it reads (the usual case: a window of now or later):
  -- a member is hidden when all of its patients are archived, whatever its start; no scores needed.
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], from, '(' .. finish)) do
    if tonumber(string.sub(m, 1, 13)) > start and not hidden(m, latestCut) then out[#out + 1] = string.sub(m, 15) end
  end
  redis.call('EXPIRE', KEYS[2], ttl)
elseif #KEYS == 2 then
  -- The org set around an archiving: scores (starts) tell which members may be hidden.
  local reply = redis.call('ZRANGEBYSCORE', KEYS[2], from, '(' .. finish, 'WITHSCORES')
  for i = 1, #reply, 2 do
    local m = reply[i]
    if tonumber(string.sub(m, 1, 13)) > start and not hidden(m, tonumber(reply[i + 1])) then
      out[#out + 1] = string.sub(m, 15)
    end
  end
  redis.call('EXPIRE', KEYS[2], ttl)
else
  -- Several patients: a group session is in each of their sets; merge in (start, member) order.
  local seen, rows = {}, {}
  for k = 2, #KEYS do
    if upto[k] > from then
      local reply = redis.call('ZRANGEBYSCORE', KEYS[k], from, '(' .. upto[k], 'WITHSCORES')
      for i = 1, #reply, 2 do
        local m = reply[i]
        if not seen[m] and tonumber(string.sub(m, 1, 13)) > start then
          seen[m] = true
          rows[#rows + 1] = { tonumber(reply[i + 1]), m }
        end
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
