-- wrk script: GET /api/v1/cases/{id} round-robin over the benchmark's cases,
-- each with its citizen token. The file path comes after "--".
local cases = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do
    local id, token = line:match("(%S+) (%S+)")
    cases[#cases + 1] = {id, token}
  end
  i = math.random(#cases)
end
function request()
  i = i % #cases + 1
  local c = cases[i]
  return wrk.format("GET", "/api/v1/cases/" .. c[1], {["Authorization"] = "Bearer " .. c[2]})
end
