-- remote.lua - connections to other hosts: virt.connect("qemu+ssh://[user@]
-- host[:port]/system[?keyfile=&no_verify=1&known_hosts=&command=&control=0
-- &timeout=]") runs `ssh ... luavirt __serve qemu:///system` (execve, no
-- shell; ssh does authentication, encryption and host keys) and returns a
-- connection with the functions of `virt`: c.domains{}, c.domain(name),
-- c.define_domain(xml), ... Objects it returns are proxies of the remote
-- ones with the same methods and properties (each property read is one
-- round trip, so d.state is always the remote state). Functions that only
-- compute here (json, sleep, parallel, now, to_xml, error...) are the local
-- ones. d:console_stream() gives a stream whose read/expect/write run
-- there; d:console() attaches this terminal to it (Ctrl+] leaves).
-- Functions cross as callbacks (remote_wire.lua): progress= of a clone or
-- a migration, and lifecycle events: c.on(type, fn) / d:on(type, fn)
-- register there, c.loop{timeout=, count=} runs the loop there and calls
-- fn here as the events come; fn may call c (c.quit_loop() ends the loop).
-- The recipes run over it too: c.batch.provision{...}, c.install{...},
-- c.clone{...}, c.migrate{...}, c.bridge.create{...}.
-- `luavirt -c qemu+ssh://...` and LUAVIRT_DEFAULT_URI make the connection
-- the `virt` of the command line, the REPL and scripts (M.install).
local wire = require("remote_wire")
local chan_mod = require("remote_chan")

local M = {}

-- Pure or host-local helpers: the local virt's.
local LOCAL = {
  VERSION = true, api_keys = true, error = true, isatty = true, json = true,
  json_decode = true, now = true, parallel = true, read_key = true, sleep = true,
  term_start = true, term_stop = true, run_editor = true, to_xml = true,
}
-- Methods of a proxy that run here (over other methods of it).
local HERE_METHODS = {}

local function raise(code, msg) error(virt.error(code, msg), 0) end

-- ---- URI ----

local SAFE_HOST = "^[%w%.%-_:%%]+$"

-- Parse a qemu+ssh URI into {user, host, port, path, params, remote_uri}.
function M.parse(uri)
  local scheme, rest = tostring(uri):match("^([%w%+]+)://(.*)$")
  if not scheme then raise("invalid", "URI '" .. tostring(uri) .. "': not a URI") end
  local driver, transport = scheme:match("^(%w+)%+(%w+)$")
  if driver ~= "qemu" or transport ~= "ssh" then
    raise("unsupported", "URI '" .. uri .. "': only qemu+ssh:// reaches another host " ..
      "(qemu:///system and qemu:///session are this one)")
  end
  local authority, path, query = rest:match("^([^/?]*)(/?[^?]*)%??(.*)$")
  local u = {uri = uri, params = {}}
  local userinfo, hostport = authority:match("^(.*)@(.*)$")
  u.user = userinfo
  hostport = hostport or authority
  local h6, p6 = hostport:match("^%[([%x:]+)%]:?(%d*)$")
  if h6 then
    u.host, u.port = h6, p6
  else
    u.host, u.port = hostport:match("^([^:]*):?(%d*)$")
  end
  if u.port == "" then u.port = nil end
  if not u.host or u.host == "" then
    raise("invalid", "URI '" .. uri .. "': no host (qemu+ssh://[user@]host[:port]/system)")
  end
  if not u.host:match(SAFE_HOST) or u.host:sub(1, 1) == "-" then
    raise("invalid", "URI '" .. uri .. "': bad host '" .. u.host .. "'")
  end
  if u.user and (not u.user:match("^[%w%._%-]+$") or u.user:sub(1, 1) == "-") then
    raise("invalid", "URI '" .. uri .. "': bad user name '" .. u.user .. "'")
  end
  path = path ~= "" and path or "/system"
  if path ~= "/system" and path ~= "/session" then
    raise("invalid", "URI '" .. uri .. "': path must be /system or /session")
  end
  u.remote_uri = "qemu://" .. path
  for kv in query:gmatch("[^&]+") do
    local k, v = kv:match("^([^=]+)=?(.*)$")
    v = v:gsub("%%(%x%x)", function(x) return string.char(tonumber(x, 16)) end)
    u.params[k] = v
  end
  local known = {keyfile = 1, no_verify = 1, known_hosts = 1, command = 1, control = 1,
    timeout = 1, no_tty = 1}
  -- libvirt's parameters for reaching its daemon there: none here
  local daemon = {socket = 1, netcat = 1, mode = 1, proxy = 1}
  for k in pairs(u.params) do
    if daemon[k] then
      raise("invalid", "URI '" .. uri .. "': " .. k .. "= is how libvirt reaches its daemon " ..
        "there; luavirt runs the remote luavirt itself (command= names its path)")
    elseif not known[k] then
      raise("invalid", "URI '" .. uri .. "': unknown parameter '" .. k .. "' (keyfile, " ..
        "no_verify, known_hosts, command, control, timeout)")
    end
  end
  local cmd = u.params.command
  if cmd and (not cmd:match("^[%w/%._%-]+$") or cmd:sub(1, 1) == "-") then
    raise("invalid", "URI '" .. uri .. "': command= must be a path (letters, digits, / . _ -)")
  end
  u.timeout = tonumber(u.params.timeout or "10")
  if not u.timeout or u.timeout <= 0 then
    raise("invalid", "URI '" .. uri .. "': timeout= must be a number of seconds")
  end
  return u
end

-- Where ssh keeps the master connection that later commands reuse: a
-- directory only this user can enter, or nil (no reuse).
local function control_dir()
  local base = os.getenv("XDG_RUNTIME_DIR")
  local dir = (base and base ~= "" and base or "/tmp") .. "/luavirt-ssh-" ..
    (chan_mod.euid and chan_mod.euid() or "u")
  local ok = chan_mod.private_dir(dir)
  return ok and dir or nil
end

-- One word for the remote login shell, which ssh hands the command to.
local function shell_quote(s)
  if s:match("^[%w%./_=:,@%-]+$") then return s end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end
M.shell_quote = shell_quote

-- The ssh argv for u (never through a shell here: every piece is one
-- argument; the remote shell gets quoted words). remote: the words after
-- the remote luavirt (default: __serve URI; false: no command); tty: ask
-- for a terminal; opts: more ssh options.
function M.ssh_argv(u, remote, tty, opts)
  local a = {"ssh", "-T", "-x", "-o", "BatchMode=yes", "-o",
    "ConnectTimeout=" .. math.ceil(u.timeout), "-e", "none"}
  local function add(...) for _, s in ipairs({...}) do a[#a + 1] = s end end
  if u.port then add("-p", u.port) end
  if u.user then add("-l", u.user) end
  if u.params.keyfile then add("-i", u.params.keyfile, "-o", "IdentitiesOnly=yes") end
  if u.params.no_verify == "1" then add("-o", "StrictHostKeyChecking=no") end
  if u.params.known_hosts then add("-o", "UserKnownHostsFile=" .. u.params.known_hosts) end
  if u.params.control ~= "0" then
    local dir = control_dir()
    if dir then
      add("-o", "ControlMaster=auto", "-o", "ControlPath=" .. dir .. "/%C",
        "-o", "ControlPersist=60")
    end
  end
  if tty then add("-t") end
  for _, o in ipairs(opts or {}) do add(o) end
  add("--", u.host)
  if remote == false then return a end
  add(u.params.command or "luavirt")
  for _, w in ipairs(remote or {"__serve", u.remote_uri}) do add(shell_quote(w)) end
  return a
end

-- A unix socket here whose connections ssh carries to remote_path there
-- (ssh -N -L, a session of its own: a migration's stream and its disks
-- through ssh, virsh migrate --tunnelled). Returns the local path and a
-- function that ends it.
local forwards = 0
function M.forward(u, remote_path)
  local base = os.getenv("XDG_RUNTIME_DIR")
  local dir = (base and base ~= "" and base or "/tmp") .. "/luavirt-fwd-" ..
    (chan_mod.euid and chan_mod.euid() or "u")
  local ok, why = chan_mod.private_dir(dir)
  if not ok then raise("system", "tunnel to '" .. u.host .. "': " .. why) end
  forwards = forwards + 1
  local path = string.format("%s/t%d-%08x.sock", dir, forwards, math.random(0, 0x7fffffff))
  local fu = setmetatable({params = setmetatable({control = "0"}, {__index = u.params})},
    {__index = u})
  local ch = chan_mod.spawn(M.ssh_argv(fu, false, false, {"-N", "-o", "ExitOnForwardFailure=yes",
    "-o", "StreamLocalBindMask=0177", "-L", path .. ":" .. remote_path}))
  local local_virt = package.loaded.virt_local or virt
  local deadline = os.time() + u.timeout + 5
  -- (ssh -N closes its stdout: whether it still runs is asked of the process)
  while not local_virt.file_info(path) do
    local up = ch:running()
    if not up or os.time() > deadline then
      local err = ch:stderr()
      ch:close(true)
      raise("connect", "tunnel to '" .. u.host .. "' (" .. remote_path .. "): " ..
        (err ~= "" and err or up and "no socket within " .. (u.timeout + 5) .. " s" or
          "ssh ended without a word"))
    end
    local_virt.sleep(0.02)
  end
  return path, function()
    ch:close(true)
    os.remove(path)
  end
end

-- ---- proxies ----

-- v:upload(file) and v:download(file) of a remote volume: the file is
-- this host's (as virsh vol-upload reads the client's file); its bytes go
-- over the connection a MiB at a time, into a stream of the volume there
-- (v:stream{}, which holds the pool and refuses a volume in use). A
-- download keeps zero chunks as holes. progress(done, total) as on the
-- host itself (false stops it).
local CHUNK = 1024 * 1024
local ZERO = string.rep("\0", CHUNK)

local function stream_opts(v, verb, o)
  o = o or {}
  for k in pairs(o) do
    if k ~= "offset" and k ~= "length" and k ~= "progress" then
      raise("invalid", "volume:" .. verb .. ": unknown key '" .. tostring(k) ..
        "' in argument #3 (accepted: offset length progress)")
    end
  end
  return o.offset or 0, o.length or 0, o.progress
end

local function step(v, progress, done, total)
  if progress and progress(done, total) == false then
    raise("invalid", "volume '" .. v.name .. "': cancelled")
  end
end

HERE_METHODS["volume:upload"] = function(v, file, o)
  local offset, length, progress = stream_opts(v, "upload", o)
  local f, why = io.open(file, "rb")
  if not f then
    raise("system", "volume '" .. v.name .. "': cannot upload: cannot open '" ..
      tostring(file) .. "': " .. tostring(why):gsub("^[^:]*: ", ""))
  end
  local size = f:seek("end")
  f:seek("set", 0)
  local total = (length > 0 and length < size) and length or size
  local ok, err = pcall(function()
    if total == 0 then return end
    local s = v:stream{upload = true, offset = offset, length = total}
    local done = 0
    while done < total do
      local chunk = f:read(math.min(CHUNK, total - done))
      if not chunk then break end
      s:write(chunk)
      done = done + #chunk
      step(v, progress, done, total)
    end
    s:finish()
  end)
  f:close()
  if not ok then error(err, 0) end
  return v
end

HERE_METHODS["volume:download"] = function(v, file, o)
  local offset, length, progress = stream_opts(v, "download", o)
  local s = v:stream{offset = offset, length = length}
  local existed = io.open(file, "rb")
  if existed then existed:close() end
  local f, why = io.open(file, "wb")
  if not f then
    s:close()
    raise("system", "volume '" .. v.name .. "': cannot download: cannot open '" ..
      tostring(file) .. "': " .. tostring(why):gsub("^[^:]*: ", ""))
  end
  local total = s:size()
  local ok, err = pcall(function()
    local done, hole = 0, false
    while true do
      local chunk = s:read(CHUNK)
      if not chunk then break end
      -- zeros stay a hole; the last byte is written, so the file ends there
      hole = chunk == ZERO or chunk == ZERO:sub(1, #chunk)
      if hole then f:seek("cur", #chunk) else f:write(chunk) end
      done = done + #chunk
      step(v, progress, done, total)
    end
    if hole then
      f:seek("cur", -1)
      f:write("\0")
    end
    s:close()
  end)
  f:close()
  if not ok then
    pcall(s.close, s)
    if not existed then os.remove(file) end
    error(err, 0)
  end
  return v
end

-- d:console{} of a remote guest: this terminal on a console stream there
-- (what the guest writes comes in reads of at most 50 ms; keys go as they
-- are typed); Ctrl+] or the end of stdin leaves. Unlike the console on the
-- host itself it takes no exclusive session: scripts' streams read along.
HERE_METHODS["domain:console"] = function(d)
  local lv = package.loaded.virt_local or virt
  local s = d:console_stream()
  local raw = lv.term_start{raw = true}
  local ok, err = pcall(function()
    while true do
      local rok, out = pcall(s.read, s, {timeout = 0.05})
      if not rok and not (type(out) == "table" and out.code == "timeout") then
        error(out, 0)
      end
      if rok and out and #out > 0 then
        io.stdout:write(out)
        io.stdout:flush()
      end
      local keys = {}
      while true do
        local k, eof = lv.read_key(0)
        if eof or k == "\29" then
          if #keys > 0 then s:write(table.concat(keys)) end
          return
        end
        if not k then break end
        keys[#keys + 1] = k
      end
      if #keys > 0 then s:write(table.concat(keys)) end
    end
  end)
  if raw then lv.term_stop() end
  pcall(s.close, s)
  if not ok then error(err, 0) end
  return d
end

local function where(c) return "connection to '" .. c.host .. "'" end

-- One request, one reply. Calls on one connection from several tasks of
-- virt.parallel take turns (the replies come back in order). Before its
-- reply the other side may call back a function of ours (a callback
-- frame): it runs here, and what it calls on c meanwhile goes first.
local function answer(c, frame)
  local j = virt.json_decode(frame)
  local fn = c.cbs[j.cb]
  local ans
  if not fn then
    ans = {err = {code = "internal", message = "callback " .. tostring(j.cb) .. " is not known"}}
  else
    local vals, n = wire.decode_list(j.a or {}, c.proxy)
    local ok, res = pcall(function() return table.pack(fn(table.unpack(vals, 1, n))) end)
    if ok then
      local eok, enc = pcall(wire.encode_list, c.ref, res.n, table.unpack(res, 1, res.n))
      ans = eok and {r = enc} or {err = wire.error_of(enc)}
    else
      ans = {err = wire.error_of(res)}
    end
  end
  c.chan:send(wire.answer_frame(ans))
end

local function call(c, req)
  if c.closed then raise("connect", where(c) .. ": closed") end
  local me = coroutine.running()
  local nested = c.busy and c.owner == me
  while c.busy and not nested do virt.sleep(0.002) end
  c.busy, c.owner = true, me
  c.next_id = c.next_id + 1
  req.id = c.next_id
  local ok, frame, why = pcall(function()
    c.chan:send(virt.json(req))
    while true do
      local f, w = c.chan:recv()
      if not f or not wire.is_callback(f) then return f, w end
      answer(c, f)
    end
  end)
  if not nested then c.busy, c.owner = false, nil end
  if not ok then raise("connect", where(c) .. ": " .. tostring(frame)) end
  if not frame then
    c.closed = true
    raise("connect", where(c) .. ": lost (" .. why .. ")")
  end
  local rep = virt.json_decode(frame)
  if rep.err then error(wire.decode({e = rep.err}), 0) end
  local vals, n = wire.decode_list(rep.r, c.proxy)
  return table.unpack(vals, 1, n)
end

local function encode_ref(c)
  return function(v)
    if type(v) == "function" then
      -- a function of ours the other side may call back, for the life of c
      local id = c.fn_ids[v]
      if not id then
        c.next_fn = c.next_fn + 1
        id = c.next_fn
        c.fn_ids[v], c.cbs[id] = id, v
      end
      return id
    end
    local mt = getmetatable(v)
    if type(v) ~= "table" or type(mt) ~= "table" or not rawget(mt, "__remote") then
      return nil
    end
    if rawget(v, "__conn") ~= c then
      raise("invalid", tostring(v) .. " belongs to another connection")
    end
    return {id = rawget(v, "__id"), k = rawget(mt, "__kind")}
  end
end

local function args(c, ...)
  return wire.encode_list(c.ref, select("#", ...), ...)
end

-- The metatable of c's proxies of one kind.
local function kind_meta(c, kind)
  local mt = c.metas[kind]
  if mt then return mt end
  local info = c.kinds[kind] or {methods = {}, props = {}}
  local methods, props, fns = {}, {}, {}
  for _, m in ipairs(info.methods or {}) do methods[m] = true end
  for _, p in ipairs(info.props or {}) do props[p] = true end
  mt = {__remote = true, __kind = kind, __name = "luavirt.remote." .. kind,
    __methods = info.methods or {}, __properties = info.props or {}}
  mt.__index = function(self, key)
    if props[key] then return call(c, {o = rawget(self, "__id"), p = key}) end
    if not methods[key] then return nil end
    local here = HERE_METHODS[kind .. ":" .. key]
    if here then return here end
    local f = fns[key]
    if not f then
      f = function(obj, ...)
        if type(obj) ~= "table" or getmetatable(obj) ~= mt then
          raise("invalid", kind .. ":" .. key .. "(): call it with ':' on a " .. kind)
        end
        return call(c, {o = rawget(obj, "__id"), m = key, a = args(c, ...)})
      end
      fns[key] = f
    end
    return f
  end
  mt.__newindex = function(_, key)
    raise("invalid", kind .. ": '" .. tostring(key) .. "' is read-only")
  end
  mt.__tostring = function(self) return call(c, {o = rawget(self, "__id"), s = true}) end
  mt.__eq = function(a, b) return rawget(a, "__conn") == rawget(b, "__conn") and
    rawget(a, "__id") == rawget(b, "__id") end
  mt.__pairs = function(self)
    local t = call(c, {o = rawget(self, "__id"), all = true})
    for _, m in ipairs(info.methods or {}) do t[m] = mt.__index(self, m) end
    return next, t, nil
  end
  c.metas[kind] = mt
  return mt
end

local function make_proxy(c)
  local cache = {}
  return function(o)
    local p = cache[o.id]
    if not p then
      p = setmetatable({__conn = c, __id = o.id}, kind_meta(c, o.k))
      cache[o.id] = p
    end
    return p
  end
end

-- ---- recipes on a connection ----

-- c.batch, c.install, c.clone, c.migrate, c.bridge: the recipe modules
-- (lua/recipes/) loaded once more for this connection, with `virt` in them
-- meaning the connection: c.batch.provision{...} provisions on c's host.
local RECIPES = {batch = true, install = true, clone = true, migrate = true, bridge = true}

local function recipe_loader(conn)
  local loaded = {}
  local env = setmetatable({virt = conn}, {__index = _G})
  function env.require(name)
    local short = type(name) == "string" and name:match("^recipes%.([%w_]+)$")
    if not short then return require(name) end
    if loaded[short] == nil then
      local path, why = package.searchpath(name, package.path)
      if not path then error(why, 2) end
      local chunk = assert(loadfile(path, "t", env))
      loaded[short] = chunk(name, path)
    end
    return loaded[short]
  end
  return function(short) return env.require("recipes." .. short) end
end

-- ---- connections ----

-- FNV-1a of s, as 8 hex digits: a socket name per URI.
local function fnv(s)
  local h = 0x811c9dc5
  for i = 1, #s do h = ((h ~ s:byte(i)) * 0x01000193) & 0xffffffff end
  return string.format("%08x", h)
end

-- The relay that keeps a connection to u's host for the commands after the
-- first (lua/stdlib/remote_relay.lua): its channel and hello, started when
-- there is none; nil when it cannot serve now (busy: go direct).
local function via_relay(u, uri)
  if u.params.control == "0" then return nil end
  local dir = control_dir()
  if not dir then return nil end
  local path = dir .. "/r-" .. fnv(uri) .. ".sock"
  local ch = chan_mod.connect(path)
  local wait = 2
  if not ch then
    os.remove(path)          -- a socket nobody answers on
    chan_mod.start_relay(uri, path)
    for _ = 1, 100 do
      ch = chan_mod.connect(path)
      if ch then break end
      virt.sleep(0.01)
    end
    if not ch then return nil end
    wait = u.timeout + 5
  end
  local ok, frame = pcall(function()
    ch:send(virt.json({hello = virt.VERSION}))
    return ch:recv(wait)
  end)
  if not ok or not frame then
    ch:close()
    return nil
  end
  return ch, frame
end

function M.connect(uri)
  local u = M.parse(uri)
  local chan, frame = via_relay(u, uri)
  local hello_ok, why = true, nil
  if not chan then
    chan = chan_mod.spawn(M.ssh_argv(u))
    hello_ok, frame, why = pcall(function()
      chan:send(virt.json({hello = virt.VERSION}))
      return chan:recv(u.timeout + 5)
    end)
  end
  if not hello_ok then frame, why = nil, "closed: " .. tostring(frame) end
  if not frame then
    local err = chan:stderr()
    chan:close()
    why = tostring(why):gsub("^closed: ?", "")
    if why == "" then why = err ~= "" and err or "ssh ended without a word" end
    if why == "timeout" then why = "no answer within " .. (u.timeout + 5) .. " s" end
    raise("connect", "connection to '" .. u.host .. "' (" .. uri .. "): " .. why)
  end
  local ok, hello = pcall(virt.json_decode, frame)
  if ok and type(hello) == "table" and hello.err then
    chan:close()
    error(wire.decode({e = hello.err}), 0)     -- what the relay met
  end
  if not ok or type(hello) ~= "table" or not hello.hello then
    chan:close()
    raise("connect", "connection to '" .. u.host .. "': the remote command is not luavirt " ..
      "__serve (did a login script print something?)")
  end
  if hello.hello ~= virt.VERSION then
    chan:close()
    raise("connect", "connection to '" .. u.host .. "': luavirt there is " ..
      tostring(hello.hello) .. ", here " .. virt.VERSION .. " (the same version is needed)")
  end
  local state = {chan = chan, host = u.host, uri = uri, next_id = 0, metas = {},
    kinds = hello.kinds or {}, remote_host = hello.host, busy = false,
    cbs = {}, fn_ids = {}, next_fn = 0}
  state.ref = encode_ref(state)
  state.proxy = make_proxy(state)
  local fns = {}
  local conn = {}
  local local_virt = package.loaded.virt_local or virt
  function conn.uri() return uri end
  function conn.close()
    if not state.closed then
      state.closed = true
      chan:close()
    end
  end
  -- a command line run on the host itself, on a terminal of its own there
  -- (console, event, top: what streams to the terminal), over the same ssh
  -- master; its exit status
  function conn.run_there(argv)
    local words = {"-c", u.remote_uri}
    for _, w in ipairs(argv) do words[#words + 1] = w end
    return chan_mod.run(M.ssh_argv(u, words, local_virt.isatty(0)))
  end
  -- a unix socket here that ssh carries to remote_path there
  function conn.forward(remote_path) return M.forward(u, remote_path) end
  conn.host = u.host
  -- the address of the remote host as ssh reached it (SSH_CONNECTION there)
  conn.address = hello.addr
  local recipe = recipe_loader(conn)
  setmetatable(conn, {
    __index = function(_, name)
      if LOCAL[name] then return local_virt[name] end
      if RECIPES[name] then return recipe(name) end
      if type(name) ~= "string" then return nil end
      local f = fns[name]
      if not f then
        f = function(...) return call(state, {f = name, a = args(state, ...)}) end
        fns[name] = f
      end
      return f
    end,
    __tostring = function() return "connection " .. uri end,
    __close = function() conn.close() end,
    __gc = function() conn.close() end,
  })
  return conn
end

-- Make the connection to uri the `virt` of this process (luavirt -c URI):
-- the local module stays reachable as package.loaded.virt_local.
function M.install(uri)
  local here = package.loaded.virt or virt
  package.loaded.virt_local = here
  local c = M.connect(uri)
  package.loaded.virt = c
  _G.virt = c
  return c
end

return M
