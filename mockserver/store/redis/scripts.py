"""The Lua scripts the Redis store runs: each one atomic on the server, as Redis runs a script whole.

Every script that writes is *fenced*: its first key is the store's lock and its first argument
the token this process holds it with. A process whose lease ran out (it stalled past the lock's
timeout, and another took the lock) has its write refused with ``LOCKLOST`` instead of
overwriting what the new holder did; a write that goes through renews the lease (its second
argument, in ms). Keys are named in ``KEYS`` except where a script takes a list of commands
(``FENCED``), which suits one Redis server, not a cluster.
"""

from __future__ import annotations

_FENCE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('LOCKLOST the store lock was lost: its lease ran out')
end
redis.call('pexpire', KEYS[1], ARGV[2])
"""

# ARGV[3...]: commands, each as its word count and its words. Answers each command's reply.
FENCED = (
    _FENCE
    + """
local i = 3
local replies = {}
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  replies[#replies + 1] = redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return replies
"""
)

# Each user's index of its active conversations (``mine:<user id>``, and ``mine-calling:<user id>``
# for those holding a call) is a sorted set whose scores are the conversations' in ``active``: a
# user's listing is the active listing's order, a page of it a ZRANGE. The user ids a conversation is
# indexed under are kept in ``participants`` (a hash of JSON arrays), the users with an index in
# ``users`` (a set, what a reset clears). KEYS: participants, users, mine, mine-calling (the last two
# name the indexes' prefix, not keys: an index's key is built from it, which suits one Redis server).
_UNINDEX = """
local function unindex(k, id)
  local old = redis.call('hget', KEYS[k], id)
  if not old then return end
  redis.call('hdel', KEYS[k], id)
  for _, user in ipairs(cjson.decode(old)) do
    local mine, calling = KEYS[k + 2] .. ':' .. user, KEYS[k + 3] .. ':' .. user
    redis.call('zrem', mine, id)
    redis.call('zrem', calling, id)
    if redis.call('exists', mine) == 0 and redis.call('exists', calling) == 0 then
      redis.call('srem', KEYS[k + 1], user)
    end
  end
end
"""

# KEYS: lock, bodies (hash), order, active, calling (sorted sets), sequence, queued (sorted set),
# then the users' indexes (``_UNINDEX``: participants, users, mine, mine-calling).
# ARGV[3...]: per conversation its id, its stored value, active (1/0), holding a call (1/0), its
# participants' user ids (a JSON array), and since when it waits for an agent (ms; empty: it does not).
# A conversation keeps its place in ``order`` once stored, and in ``active``/``calling`` while it
# stays there: the listing's order, as the memory store's insertion-ordered dicts keep it; ``queued``
# scores the waiting by since when.
PUT = (
    _FENCE
    + _UNINDEX
    + """
local function enter(key, id)
  if not redis.call('zscore', key, id) then
    redis.call('zadd', key, redis.call('incr', KEYS[6]), id)
  end
end
for i = 3, #ARGV, 6 do
  local id = ARGV[i]
  redis.call('hset', KEYS[2], id, ARGV[i + 1])
  enter(KEYS[3], id)
  if ARGV[i + 2] == '1' then enter(KEYS[4], id) else redis.call('zrem', KEYS[4], id) end
  if ARGV[i + 2] == '1' and ARGV[i + 3] == '1' then
    enter(KEYS[5], id)
  else
    redis.call('zrem', KEYS[5], id)
  end
  if ARGV[i + 5] ~= '' then
    redis.call('zadd', KEYS[7], ARGV[i + 5], id)
  else
    redis.call('zrem', KEYS[7], id)
  end
  unindex(8, id)
  local users = cjson.decode(ARGV[i + 4])
  if ARGV[i + 2] == '1' and #users > 0 then
    local score = redis.call('zscore', KEYS[4], id)
    for _, user in ipairs(users) do
      redis.call('zadd', KEYS[10] .. ':' .. user, score, id)
      if ARGV[i + 3] == '1' then redis.call('zadd', KEYS[11] .. ':' .. user, score, id) end
      redis.call('sadd', KEYS[9], user)
    end
    redis.call('hset', KEYS[8], id, ARGV[i + 4])
  end
end
return 1
"""
)

# KEYS: lock, bodies, order, active, calling, queued, participants, users, mine, mine-calling.
# ARGV[3]: the id. Answers 1 if it was stored.
DELETE = (
    _FENCE
    + _UNINDEX
    + """
if redis.call('hdel', KEYS[2], ARGV[3]) == 0 then return 0 end
redis.call('zrem', KEYS[3], ARGV[3])
redis.call('zrem', KEYS[4], ARGV[3])
redis.call('zrem', KEYS[5], ARGV[3])
redis.call('zrem', KEYS[6], ARGV[3])
unindex(7, ARGV[3])
return 1
"""
)

# KEYS: lock, then users, mine, mine-calling to clear, then users, mine, mine-calling to copy from
# (left out: clear only). Deletes every user's index of the first, copies the second's (a reset
# copies the seeded indexes back; the sets of users themselves are copied with the conversations).
COPY_INDEXES = (
    _FENCE
    + """
for _, user in ipairs(redis.call('smembers', KEYS[2])) do
  redis.call('del', KEYS[3] .. ':' .. user, KEYS[4] .. ':' .. user)
end
if #KEYS < 7 then return 1 end
for _, user in ipairs(redis.call('smembers', KEYS[5])) do
  redis.call('copy', KEYS[6] .. ':' .. user, KEYS[3] .. ':' .. user)
  redis.call('copy', KEYS[7] .. ':' .. user, KEYS[4] .. ':' .. user)
end
return 1
"""
)

# KEYS: an index (sorted set), bodies. ARGV: first and last rank. Answers the index's size, then
# the stored values of the ids in that range: one consistent read of a listing's page.
PAGE = """
local ids = redis.call('zrange', KEYS[1], ARGV[1], ARGV[2])
local values = {}
for i, id in ipairs(ids) do
  local value = redis.call('hget', KEYS[2], id)
  if value then values[#values + 1] = id; values[#values + 1] = value end
end
return {redis.call('zcard', KEYS[1]), values}
"""

# KEYS: queued (sorted set by since when), bodies. ARGV[1]: until (ms). Answers the stored values of
# the ids waiting since then or before, earliest first (id, value, ...): one consistent read.
QUEUED = """
local ids = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1])
local values = {}
for i, id in ipairs(ids) do
  local value = redis.call('hget', KEYS[2], id)
  if value then values[#values + 1] = id; values[#values + 1] = value end
end
return values
"""

# KEYS: lock, steps (sorted set by due time), planned (hash id -> member), sequence, the wakes'
# channel. ARGV[3...]: per conversation its id, its step's due time (ms; empty: none) and kind.
# A member is "<sequence> <kind> <id>": steps due at the same time come out in the order planned.
# A step planned to be the first due is published on the channel: every process's waker looks again.
PLAN = (
    _FENCE
    + """
local soonest = nil
for i = 3, #ARGV, 3 do
  local id = ARGV[i]
  local old = redis.call('hget', KEYS[3], id)
  if old then redis.call('zrem', KEYS[2], old) end
  if ARGV[i + 1] == '' then
    redis.call('hdel', KEYS[3], id)
  else
    local member = string.format('%016d', redis.call('incr', KEYS[4])) .. ' ' .. ARGV[i + 2] .. ' ' .. id
    redis.call('zadd', KEYS[2], ARGV[i + 1], member)
    redis.call('hset', KEYS[3], id, member)
    local due = tonumber(ARGV[i + 1])
    if soonest == nil or due < soonest then soonest = due end
  end
end
if soonest ~= nil then
  local first = redis.call('zrange', KEYS[2], 0, 0, 'WITHSCORES')
  if first[2] ~= nil and tonumber(first[2]) >= soonest then redis.call('publish', KEYS[5], 'planned') end
end
return 1
"""
)

# KEYS: lock, steps, planned. ARGV[3]: until (ms). Takes the earliest step due by then:
# answers its member and due time, or nothing.
POP = (
    _FENCE
    + """
local first = redis.call('zrangebyscore', KEYS[2], '-inf', ARGV[3], 'WITHSCORES', 'LIMIT', 0, 1)
if #first == 0 then return false end
redis.call('zrem', KEYS[2], first[1])
local id = string.match(first[1], '^%d+ [^ ]+ (.*)$')
if redis.call('hget', KEYS[3], id) == first[1] then redis.call('hdel', KEYS[3], id) end
return first
"""
)

# KEYS: windows (hash token -> "start count"), starts (sorted set token -> start), both on the
# server clock. ARGV: token, now (ms), requests, window (ms). Answers -1 within budget, else the
# ms until the window ends. Up to 100 ended windows are dropped on each call: a token seen once is
# not kept for ever.
TAKE = """
local now, requests, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ended = redis.call('zrangebyscore', KEYS[2], '-inf', now - window, 'LIMIT', 0, 100)
for _, token in ipairs(ended) do
  redis.call('hdel', KEYS[1], token)
  redis.call('zrem', KEYS[2], token)
end
local start, count = now, 0
local kept = redis.call('hget', KEYS[1], ARGV[1])
if kept then
  local s, c = string.match(kept, '^(%-?%d+) (%d+)$')
  start, count = tonumber(s), tonumber(c)
end
if now - start >= window then start, count = now, 0 end
if count >= requests then return start + window - now end
redis.call('hset', KEYS[1], ARGV[1], string.format('%d %d', start, count + 1))
redis.call('zadd', KEYS[2], start, ARGV[1])
return -1
"""

# Keeps ARGV[1], the entry (JSON), of ARGV[2] bytes, under the bounds ARGV[3] (requests) and
# ARGV[4] (bytes), in the journal KEYS[1] with its byte count KEYS[2] and sequence KEYS[3]: the
# entry is numbered, the oldest go while either bound is passed (the newest always stays).
_RECORD = """
local function record(item, size)
  local id = redis.call('incr', KEYS[3])
  redis.call('rpush', KEYS[1], string.format('%d %d ', id, size) .. item)
  local total = redis.call('incrby', KEYS[2], size)
  local count = redis.call('llen', KEYS[1])
  local limit, bound = tonumber(ARGV[3]), tonumber(ARGV[4])
  while count > 1 and (count > limit or total > bound) do
    local oldest = redis.call('lpop', KEYS[1])
    total = redis.call('decrby', KEYS[2], tonumber(string.match(oldest, '^%d+ (%d+) ')))
    count = count - 1
  end
  return id
end
"""

# KEYS: journal (list), bytes, sequence. ARGV: the entry, its size, the bounds. Answers its number.
RECORD = _RECORD + "return record(ARGV[1], tonumber(ARGV[2]))"

# A read of one conversation and its journal entry, in one round trip: the busiest request.
# KEYS: journal, bytes, sequence, versions, steps, bodies. ARGV: the entry (empty: journal none;
# its Content-Length header the text ARGV[8], which only our JSON array can hold: a client's header
# text has its quotes escaped), its size, the bounds, then the parts' version the caller has seen,
# the server clock (ms), the id. Answers -1 if the caller's parts are out of date or a step is due (it must sync
# and answer again), nothing if the id is not stored (nothing is journaled), else the body.
READ = (
    _RECORD
    + """
if (redis.call('hget', KEYS[4], '*') or '') ~= ARGV[5] then return -1 end
local first = redis.call('zrange', KEYS[5], 0, 0, 'WITHSCORES')
if #first > 0 and tonumber(first[2]) <= tonumber(ARGV[6]) then return -1 end
local value = redis.call('hget', KEYS[6], ARGV[7])
if not value then return false end
local body = string.sub(value, string.find(value, '\\n', 1, true) + 1)
if ARGV[1] ~= '' then
  local item = ARGV[1]
  local at = string.find(item, ARGV[8], 1, true)
  local length = '"Content-Length","' .. tostring(#body) .. '"'
  record(string.sub(item, 1, at - 1) .. length .. string.sub(item, at + #ARGV[8]), tonumber(ARGV[2]))
end
return body
"""
)

# Saves parts' changed fields (``fields``). KEYS: lock, versions, then per part its fields (hash)
# and their versions (sorted set). ARGV[3...]: per part its name, the count of fields set, each
# field and value, the count of fields deleted, each field. Each part's version goes up by one,
# and each field it set or deleted is marked with it. Answers each part's new version, then "*"'s.
SAVE = (
    _FENCE
    + """
local at = 3
local replies = {}
for j = 1, (#KEYS - 2) / 2 do
  local fields, changed = KEYS[1 + 2 * j], KEYS[2 + 2 * j]
  local version = redis.call('hincrby', KEYS[2], ARGV[at], 1)
  local n = tonumber(ARGV[at + 1])
  at = at + 2
  for i = at, at + 2 * n - 1, 2 do
    redis.call('hset', fields, ARGV[i], ARGV[i + 1])
    redis.call('zadd', changed, version, ARGV[i])
  end
  at = at + 2 * n
  n = tonumber(ARGV[at])
  at = at + 1
  for i = at, at + n - 1 do
    redis.call('hdel', fields, ARGV[i])
    redis.call('zadd', changed, version, ARGV[i])
  end
  at = at + n
  replies[j] = version
end
replies[#replies + 1] = redis.call('hincrby', KEYS[2], '*', 1)
return replies
"""
)

# Loads parts' fields changed since a version. KEYS: versions, then per part its fields and their
# versions. ARGV: per part its name and the version the caller holds (0: none, every field).
# Answers per part its version (nothing if it has none) and a flat list of fields and values
# (nothing for a field deleted).
LOAD = """
local replies = {}
for j = 1, (#KEYS - 1) / 2 do
  local fields, changed = KEYS[2 * j], KEYS[2 * j + 1]
  local name, since = ARGV[2 * j - 1], tonumber(ARGV[2 * j])
  local version = redis.call('hget', KEYS[1], name)
  local flat = {}
  if since == 0 then
    flat = redis.call('hgetall', fields)
  else
    for _, field in ipairs(redis.call('zrangebyscore', changed, '(' .. since, '+inf')) do
      flat[#flat + 1] = field
      flat[#flat + 1] = redis.call('hget', fields, field)
    end
  end
  replies[j] = {version, flat}
end
return replies
"""
