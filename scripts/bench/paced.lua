-- wrk script: graphql.lua's requests and counts, with a pause of DELAY_MS before each request, so a run
-- holds a rate below the server's capacity (scripts/soak.sh sets the pause to reach its target rate).
-- Usage: wrk -s scripts/bench/paced.lua URL/graphql -- BODIES_FILE DELAY_MS
dofile("scripts/bench/graphql.lua")
local pause = 0
local graphql_init = init

function init(args)
  graphql_init(args)
  pause = tonumber(args[2]) or 0
end

function delay()
  return pause
end
