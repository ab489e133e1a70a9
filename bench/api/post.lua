-- wrk script: authenticated post creation, spread over the seeded topics.
-- Arguments after `--`: the file of topic ids (one a line) and the bearer token.
-- Every body is different (thread id, counter), so the spam check's duplicate rule does not
-- hold anything back: each request is a real, published post.

local ids = {}
local counter = 0
local thread_tag = 0
local threads = {}

function setup(thread)
  thread:set("tag", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(ids, line)
    end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  thread_tag = tag or 0
end

local shown = 0

function request()
  counter = counter + 1
  local topic = ids[(counter % #ids) + 1]
  local body = string.format(
    '{"body":"Antwort %d-%d: Bei uns läuft das seit dem letzten Update stabil."}',
    thread_tag, counter)
  return wrk.format(nil, "/api/v1/topics/" .. topic .. "/posts", nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
    -- wrk counts them ("Non-2xx or 3xx responses"); show the first few to say why.
    if shown < 3 then
      shown = shown + 1
      io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    end
  end
end
