import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for EVALSHA with an EVAL fallback. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Shared prologue: is the current entry live at the client's `now` (ARGV[2])?
// Expiry is judged by the stored header, as every driver judges it; PXAT only lets Redis reap.
const LIVE = `
local cur = redis.call('GET', KEYS[1])
local live = false
if cur then
  local exp = tonumber(string.sub(cur, 17, 32), 16)
  live = (exp == 0) or (exp > tonumber(ARGV[2]))
end
`;

/**
 * Conditional put. ARGV: mode (`absent` | `version`), now, expected version,
 * new packed value, PXAT (`0` for none). Returns 1 if written, 0 if the condition failed.
 */
export const CONDITIONAL_PUT = script(`${LIVE}
if ARGV[1] == 'absent' then
  if live then return 0 end
elseif (not live) or string.sub(cur, 1, 16) ~= ARGV[3] then
  return 0
end
if ARGV[5] == '0' then redis.call('SET', KEYS[1], ARGV[4]) else redis.call('SET', KEYS[1], ARGV[4], 'PXAT', ARGV[5]) end
return 1
`);

/** Conditional delete. ARGV: unused, now, expected version. Returns 1 if deleted, 0 if the condition failed. */
export const CONDITIONAL_DELETE = script(`${LIVE}
if (not live) or string.sub(cur, 1, 16) ~= ARGV[3] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);

/**
 * Atomic increment of a JSON-integer entry. ARGV: by, now, new version,
 * expiry header for a new counter (16 hex), PXAT for a new counter (`0` for none).
 * Returns the new value as a string, or `notint` / `range`. An existing counter keeps its expiry.
 */
export const INCREMENT = script(`${LIVE}
local n = 0
local header = ARGV[3] .. ARGV[4]
if live then
  local body = string.sub(cur, 33)
  if not string.match(body, '^j%-?%d+$') then return 'notint' end
  n = tonumber(string.sub(body, 2))
  header = ARGV[3] .. string.sub(cur, 17, 32)
end
n = n + tonumber(ARGV[1])
if n > 9007199254740991 or n < -9007199254740991 then return 'range' end
local text = string.format('%d', n)
if live then
  redis.call('SET', KEYS[1], header .. 'j' .. text, 'KEEPTTL')
elseif ARGV[5] == '0' then
  redis.call('SET', KEYS[1], header .. 'j' .. text)
else
  redis.call('SET', KEYS[1], header .. 'j' .. text, 'PXAT', ARGV[5])
end
return text
`);
