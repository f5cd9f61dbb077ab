-- remote_serve.lua - the far end of a remote connection: `luavirt __serve
-- URI`, started by ssh on the host being managed. It reads one request per
-- frame on stdin, runs it on this host's `virt` (opened on URI) and writes
-- one reply per frame on stdout, until stdin ends. Nothing listens on the
-- network: ssh brought the bytes here and takes them back.
--
-- Requests (see remote_wire.lua for the values):
--   {hello=VERSION}                      -> {hello=VERSION, host=, uri=, kinds=}
--   {id=, f="domains", a=LIST}           a function of virt
--   {id=, o=ID, m="start", a=LIST}       a method of an object sent before
--   {id=, o=ID, p="state"}               a property of it
--   {id=, o=ID, s=true}                  its tostring
--   {id=, o=ID, all=true}                its properties (pairs)
-- Replies: {id=, r=LIST} or {id=, err={code=, message=, object=, errno=}}.
-- A function of the client (progress=, an event callback) comes as a
-- function here that calls it back: {"cb": N, "a": LIST} out, then, until
-- the client's {"cr": {r=LIST}} (or {"cr": {err=}}), requests the client
-- makes meanwhile are run and answered as any other (remote_wire.lua).
-- Objects go as {id=, k=kind}; this side keeps every object it sent for
-- the life of the connection, so an id always means the same object.
local wire = require("remote_wire")
local chan_mod = require("remote_chan")

local M = {}

local KINDS = {"domain", "network", "pool", "volume", "snapshot"}

-- What would use this process's own stdin/stdout (the channel) or its
-- terminal: refused here too, whatever the client asks (the client runs
-- d:console() over a console stream).
local REFUSED = {console = true, term_start = true, term_stop = true, read_key = true,
  run_editor = true}

-- Streams go as objects of kinds of their own: a console stream
-- (d:console_stream()) and a volume's bytes (v:stream{}, what the client's
-- v:upload/v:download use).
local STREAMS = {
  ["luavirt.console_stream"] = {kind = "console_stream",
    methods = {"read", "expect", "write", "close"}},
  ["luavirt.vol_stream"] = {kind = "vol_stream", methods = {"read", "write", "size", "finish", "close"}},
}

-- The methods and properties of each kind, for the client's proxies.
local function kinds()
  local reg, out = debug.getregistry(), {}
  for _, k in ipairs(KINDS) do
    local mt = reg["luavirt." .. k]
    if mt then out[k] = {methods = mt.__methods, props = mt.__properties} end
  end
  for _, st in pairs(STREAMS) do out[st.kind] = {methods = st.methods, props = {}} end
  return out
end

function M.serve(uri)
  local chan = chan_mod.stdio()
  local objs, ids, next_id = {}, {}, 0

  local function ref(v)
    if type(v) ~= "userdata" then return nil end
    local mt = getmetatable(v)
    local kind = type(mt) == "table" and rawget(mt, "__kind")
    if not kind and type(mt) == "table" then
      local st = STREAMS[rawget(mt, "__name")]
      kind = st and st.kind
    end
    if not kind then return nil end
    local id = ids[v]
    if not id then
      next_id = next_id + 1
      id = next_id
      ids[v], objs[id] = id, v
    end
    return {id = id, k = kind}
  end

  local callback

  local function object(o, fid)
    if fid then return callback(fid) end
    local v = objs[o.id]
    if not v then
      error(virt.error("invalid", "remote object " .. tostring(o.id) .. " is not known here"))
    end
    return v
  end

  local function reply(t)
    chan:send(virt.json(t))
  end

  local function run(req)
    if req.f then
      local fn = virt[req.f]
      if type(fn) ~= "function" or REFUSED[req.f] then
        error(virt.error("unsupported", "virt." .. tostring(req.f) ..
          ": no such function on " .. virt.hostname()))
      end
      local args, n = wire.decode_list(req.a or {}, object)
      return table.pack(fn(table.unpack(args, 1, n)))
    end
    local obj = object(type(req.o) == "table" and req.o or {id = req.o})
    if req.m then
      local method = obj[req.m]
      if type(method) ~= "function" or REFUSED[req.m] then
        error(virt.error("unsupported", tostring(obj) .. ": no method '" ..
          tostring(req.m) .. "'"))
      end
      local args, n = wire.decode_list(req.a or {}, object)
      return table.pack(method(obj, table.unpack(args, 1, n)))
    elseif req.p then
      return table.pack(obj[req.p])
    elseif req.s then
      return table.pack(tostring(obj))
    elseif req.all then
      local t = {}
      for k, v in pairs(obj) do
        if type(v) ~= "function" then t[k] = v end
      end
      return table.pack(t)
    end
    error(virt.error("invalid", "remote request without f, m, p, s or all"))
  end

  local function handle(frame)
    local ok, req = pcall(virt.json_decode, frame)
    if not ok or type(req) ~= "table" then
      reply({err = {code = "invalid", message = "remote request is not JSON: " .. tostring(req)}})
    elseif req.hello then
      -- the address ssh reached this host on: where a migration comes in
      local addr = (os.getenv("SSH_CONNECTION") or ""):match("^%S+ %S+ (%S+) %S+$")
      reply({hello = virt.VERSION, host = virt.hostname(), uri = uri, kinds = kinds(),
        addr = addr})
    else
      local res
      ok, res = pcall(run, req)
      if ok then
        local enc_ok, enc = pcall(wire.encode_list, ref, res.n, table.unpack(res, 1, res.n))
        if enc_ok then
          reply({id = req.id, r = enc})
        else
          reply({id = req.id, err = wire.error_of(enc)})
        end
      else
        reply({id = req.id, err = wire.error_of(res)})
      end
    end
  end

  -- the client's function number fid, as a function here
  local stubs = {}
  callback = function(fid)
    local f = stubs[fid]
    if f then return f end
    f = function(...)
      chan:send(wire.callback_frame(fid, wire.encode_list(ref, select("#", ...), ...)))
      while true do
        local frame, why = chan:recv()
        if not frame then
          error(virt.error("connect", "the client went away while called back (" ..
            tostring(why) .. ")"), 0)
        end
        if wire.is_answer(frame) then
          local ans = virt.json_decode(frame).cr
          if ans.err then error(wire.decode({e = ans.err}), 0) end
          local vals, n = wire.decode_list(ans.r or {}, object)
          return table.unpack(vals, 1, n)
        end
        handle(frame)          -- a call the client makes meanwhile
      end
    end
    stubs[fid] = f
    return f
  end

  while true do
    local frame, why = chan:recv()
    if not frame then
      if why ~= "closed" then io.stderr:write("luavirt __serve: ", why, "\n") end
      break
    end
    handle(frame)
  end
  chan:close()
  return 0
end

return M
