-- wrk script for bench/run.py: optional round-robin URL list, machine-readable summary.
--
--   wrk -t2 -c8 -d60s -s bench/wrk_report.lua http://127.0.0.1:PORT -- urls.txt
--
-- With a file argument every thread walks the file's paths in turn (each thread starting
-- at its own offset, so the mix is even from the first second); without one, wrk asks
-- for the URL on its command line as usual. done() prints one JSON line prefixed
-- BENCH_JSON that run.py parses: counts, error kinds and latency percentiles in µs.

local paths = {}
local next_index = 1
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  if file ~= nil then
    for line in io.lines(file) do
      if line:match("^/") then
        table.insert(paths, line)
      end
    end
  end
  if #paths > 0 then
    next_index = ((offset or 1) - 1) % #paths + 1
  end
end

function request()
  if #paths == 0 then
    return wrk.format()
  end
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50": %d, "p90": %d, '
      .. '"p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
