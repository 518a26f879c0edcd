-- wrk script for `make bench` (order_create): POST /api/v1/orders with 8 lines, each request as
-- the next of many logged-in mitra users. Argument: a file of "token<TAB>json body" lines
-- (written by scripts/bench.sh). done() prints one RESULT line that bench.sh parses; p95 is
-- computed here because wrk itself reports only p50/p75/p90/p99.

local tokens, bodies = {}, {}
local counter = 0
local host = "mitra.localhost"
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  local path = args[1] or error("order_create.lua needs the path of the token file")
  host = args[2] or host
  for line in io.lines(path) do
    local token, body = line:match("^(%S+)\t(.*)$")
    if token then
      tokens[#tokens + 1] = token
      bodies[#bodies + 1] = body
    end
  end
  if #tokens == 0 then error("no tokens in " .. path) end
  -- threads start far apart in the user list, so no two connections order as the same mitra
  counter = math.floor((thread_id or 0) * #tokens / 2)
end

function request()
  counter = counter + 1
  local i = (counter % #tokens) + 1
  return wrk.format("POST", "/api/v1/orders", {
    ["Host"] = host,
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Content-Type"] = "application/json",
  }, bodies[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
