-- wrk script: one request shape from the environment; a fresh form key per POST (as a browser
-- rendering the form anew would send); prints one JSON line of results.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local authorization = os.getenv("BENCH_AUTHORIZATION")
local counter = 0

request = function()
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if authorization then headers["Authorization"] = authorization end
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    counter = counter + 1
    local key = string.format("bench%08x%08x", math.random(0, 0x7fffffff), counter)
    return wrk.format("POST", nil, headers, (body:gsub("SUBMISSION", key)))
  end
  return wrk.format("GET", nil, headers, nil)
end

done = function(summary, latency, requests)
  io.write(string.format(
    '{"p50_us": %d, "p95_us": %d, "p99_us": %d, "requests": %d, "duration_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
