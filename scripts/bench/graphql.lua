-- wrk script: POSTs GraphQL bodies read from a file (one JSON body per line), round robin, and counts
-- answers that are not HTTP 200 or that carry GraphQL errors.
-- Usage: wrk -s scripts/bench/graphql.lua URL/graphql -- BODIES_FILE
local bodies = {}
local counter = 0
errors = 0 -- global: done() reads it from each thread with thread:get
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(bodies, line) end
  end
  counter = math.random(#bodies)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end

function response(status, headers, body)
  -- A gzipped body cannot be searched here: only its status counts (scripts/bench/warm.py --gzip checks
  -- the decompressed answers of the same bodies before such a run).
  local encoded = headers["Content-Encoding"] or headers["content-encoding"]
  if status ~= 200 or (not encoded and string.find(body, '"errors"', 1, true)) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local total_errors = 0
  for _, thread in ipairs(threads) do
    total_errors = total_errors + thread:get("errors")
  end
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f errors=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    total_errors, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
