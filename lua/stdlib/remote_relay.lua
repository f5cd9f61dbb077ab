-- remote_relay.lua - `luavirt __relay URI SOCKET`: keeps one connection to
-- another host (ssh ... luavirt __serve) open for the commands that come
-- after the first one, so `luavirt -c qemu+ssh://h2/system list` costs a
-- request and not an ssh session. It listens on SOCKET, a unix socket of
-- mode 0600 in a 0700 directory of the user (lua/stdlib/remote.lua picks
-- it), talks to clients of the same uid only, one client at a time (a
-- client that finds it busy goes direct), and ends after IDLE seconds
-- without a client, or when the remote side does. Nothing listens on the
-- network.
local remote = require("remote")
local chan_mod = require("remote_chan")

local M = {}

M.IDLE = 60

function M.run(uri, path)
  -- listen first: a client that started us waits on the socket meanwhile
  local lst = chan_mod.listen(path)
  local up, hello_frame, failure
  local ok, err = pcall(function()
    local u = remote.parse(uri)
    up = chan_mod.spawn(remote.ssh_argv(u))
    up:send(virt.json({hello = virt.VERSION}))
    local frame, why = up:recv(u.timeout + 5)
    if not frame then
      error(virt.error("connect", "connection to '" .. u.host .. "' (" .. uri .. "): " ..
        tostring(why):gsub("^closed: ?", "")), 0)
    end
    hello_frame = frame
  end)
  if not ok then
    -- the first client hears why, then the relay is gone
    failure = virt.json({err = {code = err.code or "connect", message = tostring(err)}})
  end
  while true do
    local cl = lst:accept(failure and 10 or M.IDLE)
    if not cl then break end
    while true do
      local req = cl:recv()
      if not req then break end
      local dok, j = pcall(virt.json_decode, req)
      local is_hello = dok and type(j) == "table" and j.hello ~= nil
      if failure then
        pcall(cl.send, cl, failure)
        break
      elseif is_hello then
        pcall(cl.send, cl, hello_frame)
      else
        up:send(req)
        local rep = up:recv()
        if not rep then
          failure = virt.json({err = {code = "connect", message = "connection to the " ..
            "host of " .. uri .. " lost"}})
          pcall(cl.send, cl, failure)
          break
        end
        pcall(cl.send, cl, rep)
      end
    end
    cl:close()
    if failure then break end
  end
  lst:close()
  os.remove(path)
  if up then up:close() end
  return 0
end

return M
