-- migrate.lua - move a guest to another host (what virsh migrate does), for
-- scripts and for `luavirt migrate`:
--   local migrate = require("recipes.migrate")
--   local d2 = migrate{domain = "vm1", dest = "qemu+ssh://h2/system", live = true,
--                      persistent = true, undefine_source = true}
-- The guest's memory goes from this QEMU to one the destination's luavirt
-- starts paused with -incoming (QEMU's migration protocol, straight from
-- host to host on the address ssh reached the destination on, on a port
-- open for this one migration); its disks are on storage both hosts see at
-- the same paths, or copy_storage = "all" copies them there (the images
-- are made at the same paths where missing, and the destination's QEMU
-- takes them over NBD on a port of their own while the guest runs on here:
-- virsh's --copy-storage-all), "inc" copies only their top images (the
-- backing files are there already: --copy-storage-inc). tunnelled: the
-- memory (and the disks) go through ssh instead (the destination's QEMU
-- listens on unix sockets only root reaches there, ssh -L carries them: no
-- port is opened; virsh's --tunnelled). live: the guest runs while its memory is copied
-- (else it is paused for the copy); suspend: it stays paused there;
-- persistent: defined there too; undefine_source: its definition here
-- goes; offline: only the definition moves (with persistent). A failure at
-- any step leaves the guest running here and nothing there.
-- Returns the domain on the destination and the migration's figures
-- {total_ms=, downtime_ms=, transferred=, total=}.
local M = {}

local KEYS = {
  domain = true, dest = true, live = true, persistent = true, undefine_source = true,
  suspend = true, offline = true, bandwidth = true, max_downtime = true, timeout = true,
  progress = true, copy_storage = true, tunnelled = true,
}

local function fail(code, fmt, ...)
  error(virt.error(code, string.format(fmt, ...)), 0)
end

function M.migrate(t)
  if type(t) ~= "table" then fail("invalid", "recipes.migrate: expected a table of options") end
  for k in pairs(t) do
    if not KEYS[k] then fail("invalid", "recipes.migrate: unknown key '%s'", tostring(k)) end
  end
  if not t.domain then fail("invalid", "recipes.migrate: 'domain' is required") end
  if not t.dest then fail("invalid", "recipes.migrate: 'dest' (a qemu+ssh:// URI) is required") end
  local d = type(t.domain) == "string" and virt.domain(t.domain) or t.domain
  local dst = type(t.dest) == "string" and virt.connect(t.dest) or t.dest
  if t.tunnelled and not dst.forward then
    fail("invalid", "recipes.migrate: tunnelled needs a qemu+ssh destination")
  end
  if t.tunnelled and virt.forward then
    -- the tunnel's end would be here, not on the source host
    fail("invalid", "recipes.migrate: tunnelled runs from the source host itself, not over " ..
      "a connection to it")
  end

  local copy = t.copy_storage
  if copy ~= nil and copy ~= "all" and copy ~= "inc" then
    fail("invalid", "recipes.migrate: copy_storage is 'all' or 'inc', not '%s'", tostring(copy))
  end
  if t.offline then
    if copy then
      fail("invalid", "domain '%s': an offline migration cannot copy storage", d.name)
    end
    if not t.persistent then
      fail("invalid", "domain '%s': an offline migration moves the definition: it needs persistent",
        d.name)
    end
    if not d.persistent then
      fail("invalid", "domain '%s': a transient domain has no definition to move", d.name)
    end
    local nd = dst.define_domain(d:xml{inactive = true, security_info = true})
    if t.undefine_source then d:undefine() end
    return nd, {total_ms = 0, downtime_ms = 0, transferred = 0, total = 0}
  end

  local state = d.state
  if state ~= "running" and state ~= "paused" then
    fail("state", "domain '%s': cannot migrate: not running (%s; offline=true moves a definition)",
      d.name, state)
  end
  local live_xml = d:xml{security_info = true}
  local keep_xml
  if t.persistent then
    keep_xml = d.persistent and d:xml{inactive = true, security_info = true} or live_xml
  end
  local disks = copy and d:migrate_disks{copy_storage = copy} or nil
  -- destination: paused, waiting on the address ssh reached it on (and its
  -- disks' NBD server, copying storage; images it made go if it fails)
  local nd, uri, nbd = dst.migrate_prepare(live_xml, {listen = dst.address,
    copy_storage = copy, disks = disks, tunnelled = t.tunnelled and true or nil})
  -- tunnelled: the ends of ssh tunnels here stand for the sockets there
  local ends = {}
  local ok, stats = pcall(function()
    if t.tunnelled then
      local path, close = dst.forward(uri:sub(6))
      ends[#ends + 1] = close
      uri = "unix:" .. path
      if nbd then
        path, close = dst.forward(nbd:sub(6))
        ends[#ends + 1] = close
        nbd = "unix:" .. path
      end
    end
    -- source: the disks, then the stream; on failure the guest runs on
    -- here, nothing there
    local st = d:migrate_send(uri, {
      live = t.live and true or false, bandwidth = t.bandwidth, max_downtime = t.max_downtime,
      timeout = t.timeout, progress = t.progress, copy_storage = copy, nbd = nbd,
    })
    st.sent_at = virt.now()
    return st
  end)
  for _, close in ipairs(ends) do close() end
  if not ok then
    pcall(nd.destroy, nd)
    error(stats, 0)
  end
  -- destination: run (as the guest did here); if it cannot, back here
  local fin_ok, fin_err = pcall(nd.migrate_finish, nd,
    {run = state == "running" and not t.suspend})
  if not fin_ok then
    pcall(nd.destroy, nd)
    d:migrate_confirm{done = false}
    error(fin_err, 0)
  end
  -- the guest's pause, as virsh domjobinfo's "Total downtime": QEMU's
  -- switch-over here plus the time until it runs there
  stats.downtime_ms = stats.downtime_ms + math.floor((virt.now() - stats.sent_at) * 1000 + 0.5)
  stats.sent_at = nil
  d:migrate_confirm{done = true}
  if keep_xml then dst.define_domain(keep_xml) end
  if t.undefine_source and d.persistent then d:undefine() end
  return nd, stats
end

return setmetatable(M, {__call = function(_, t) return M.migrate(t) end})
