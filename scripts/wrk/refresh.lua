-- wrk: refresh-token rotation, each answer's new refresh token sent next.
-- env: WRK_BASIC (base64 of "client_id:client_secret"), WRK_TOKENS (a file of
-- refresh tokens, one per line, at least as many as connections: a
-- connection waits for its answer before it sends again, so a token is
-- always free). Use one thread (-t1): the tokens live in its Lua state.
local basic = "Basic " .. assert(os.getenv("WRK_BASIC"), "WRK_BASIC is not set")
local free = {}
local tokens_file = assert(os.getenv("WRK_TOKENS"), "WRK_TOKENS is not set")
for line in io.lines(tokens_file) do
  if #line > 0 then free[#free + 1] = line end
end
failed = 0 -- global: done() reads it from each thread
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = basic }

-- wrk calls request() once before any connection opens, to check what it
-- returns, and never sends that one: it gets a look at a token, not the token.
local checked = false

function request()
  if not checked then
    checked = true
    return wrk.format("POST", nil, headers, "grant_type=refresh_token&refresh_token=" .. free[#free])
  end
  local token = table.remove(free)
  if token == nil then
    failed = failed + 1
    token = "none"
  end
  return wrk.format("POST", nil, headers, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  local next_token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if status == 200 and next_token then
    free[#free + 1] = next_token
  else
    failed = failed + 1
  end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failed")
  end
  io.stderr:write(string.format("refused refreshes: %d\n", total))
end
