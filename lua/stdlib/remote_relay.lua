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
local wire = require("remote_wire")

local M = {}

M.IDLE = 60

-- Carry one request of cl up and its reply back, with what comes between:
-- the far side's callbacks go to the client, whose answers (and the
-- requests it makes before it answers, carried the same way) go up. A
-- client that goes away meanwhile has its callbacks answered with an
-- error, so the far side finishes the call. false when up is gone, nil
-- when the client is.
local GONE = wire.answer_frame({err = {code = "connect", message = "the client went away"}})

local function carry(up, cl, req)
  local gone = false
  up:send(req)
  while true do
    local rep = up:recv()
    if not rep then return false end
    if not gone and not pcall(cl.send, cl, rep) then gone = true end
    if not wire.is_callback(rep) then return not gone or nil end
    while true do
      local m = not gone and cl:recv()
      if not m then
        gone = true
        up:send(GONE)
        break
      end
      if wire.is_answer(m) then
        up:send(m)
        break
      end
      local r = carry(up, cl, m)
      if r == false then return false end
      if r == nil then
        gone = true
        up:send(GONE)
        break
      end
    end
  end
end

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
        local r = carry(up, cl, req)
        if r == false then
          failure = virt.json({err = {code = "connect", message = "connection to the " ..
            "host of " .. uri .. " lost"}})
          pcall(cl.send, cl, failure)
          break
        elseif r == nil then
          break            -- the client went away mid-call
        end
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
