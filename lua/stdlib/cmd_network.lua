-- cmd_network.lua - virtual network commands of the command line: net-list,
-- net-define, net-create, net-start, net-destroy, net-undefine,
-- net-autostart, net-info, net-dumpxml, net-edit, net-update,
-- net-dhcp-leases, net-uuid, net-name, and net-port-forward (luavirt's own).
-- Layouts and messages follow virsh 9 (tools/virsh-network.c); listings and
-- info also take --json.
local M = {}

local NETWORK = {name = "network", help = "network name or uuid"}

local function add(c)
  c.group = c.group or "network"
  table.insert(M, c)
end

local function yes_no(b) return b and "yes" or "no" end

local function net_of(ctx, name) return ctx.virt.network(name) end

-- ---- net-list ----

add({
  name = "net-list", json = true,
  help = "list networks",
  desc = "Returns list of networks.",
  opts = {
    {name = "inactive", help = "list inactive networks"},
    {name = "all", help = "list inactive & active networks"},
    {name = "persistent", help = "list persistent networks"},
    {name = "transient", help = "list transient networks"},
    {name = "autostart", help = "list networks with autostart enabled"},
    {name = "no-autostart", help = "list networks with autostart disabled"},
    {name = "uuid", help = "list uuid's only"},
    {name = "name", help = "list network names only"},
    {name = "table", help = "list table (default)"},
  },
  run = function(ctx, o)
    local q = {}
    if o.all then q.all = true elseif o.inactive then q.inactive = true end
    local rows, items = {}, {}
    for _, n in ipairs(ctx.virt.networks(q)) do
      local keep = true
      if o.persistent ~= o.transient then
        keep = (o.persistent and n.persistent) or (o.transient and not n.persistent)
      end
      if keep and o.autostart ~= o["no-autostart"] then
        keep = (o.autostart and n.autostart) or (o["no-autostart"] and not n.autostart)
      end
      if keep then
        local i = {name = n.name, uuid = n.uuid, active = n.active,
          autostart = n.autostart, persistent = n.persistent, bridge = n.bridge}
        table.insert(items, i)
        table.insert(rows, {i.name, i.active and "active" or "inactive",
          yes_no(i.autostart), yes_no(i.persistent)})
      end
    end
    if o.json then return ctx.json(items) end
    if o.uuid or o.name then
      for _, i in ipairs(items) do
        if o.uuid and o.name then
          ctx.print(i.uuid .. "  " .. i.name)
        else
          ctx.print(o.uuid and i.uuid or i.name)
        end
      end
      return
    end
    ctx.table({"Name", "State", "Autostart", "Persistent"}, rows)
  end,
})

-- ---- define, create, start, destroy, undefine, autostart ----

add({
  name = "net-define", help = "define an inactive persistent virtual network or modify an existing persistent one from an XML file",
  desc = "Define or modify a persistent virtual network.",
  args = {{name = "file", help = "file containing an XML network description"}},
  opts = {{name = "validate", help = "validate the XML against the schema"}},
  run = function(ctx, o)
    local n = ctx.virt.define_network(ctx.read_file(o.file))
    ctx.extra(string.format("Network %s defined from %s", n.name, o.file))
  end,
})

add({
  name = "net-create", help = "create a network from an XML file",
  desc = "Create a network.",
  args = {{name = "file", help = "file containing an XML network description"}},
  opts = {{name = "validate", help = "validate the XML against the schema"}},
  run = function(ctx, o)
    local n = ctx.virt.create_network(ctx.read_file(o.file))
    ctx.extra(string.format("Network %s created from %s", n.name, o.file))
  end,
})

add({
  name = "net-start", help = "start a (previously defined) inactive network",
  desc = "Start a network.",
  args = {NETWORK},
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    n:start()
    ctx.extra(string.format("Network %s started", n.name))
  end,
})

add({
  name = "net-destroy", help = "destroy (stop) a network",
  desc = "Forcefully stop a given network.",
  args = {NETWORK},
  opts = {{name = "force", help = "destroy even if running guests use the network"}},
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    n:destroy({force = o.force or nil})
    ctx.extra(string.format("Network %s destroyed", n.name))
  end,
})

add({
  name = "net-undefine", help = "undefine a persistent network",
  desc = "Undefine the configuration for a persistent network.",
  args = {NETWORK},
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    local name = n.name
    n:undefine()
    ctx.extra(string.format("Network %s has been undefined", name))
  end,
})

add({
  name = "net-autostart", help = "autostart a network",
  desc = "Configure a network to be automatically started at boot.",
  args = {NETWORK},
  opts = {{name = "disable", help = "disable autostarting"}},
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    n:set_autostart(not o.disable)
    if o.disable then
      ctx.extra(string.format("Network %s unmarked as autostarted", n.name))
    else
      ctx.extra(string.format("Network %s marked as autostarted", n.name))
    end
  end,
})

-- ---- net-info, net-dumpxml, net-uuid, net-name ----

add({
  name = "net-info", json = true, help = "network information",
  desc = "Returns basic information about the network",
  args = {NETWORK},
  run = function(ctx, o)
    local i = net_of(ctx, o.network):info()
    if o.json then return ctx.json(i) end
    local dhcp
    if i.dnsmasq == "running" then
      dhcp = string.format("running (dnsmasq pid %d)", i.dnsmasq_pid)
    elseif i.dnsmasq == "dead" then
      dhcp = "not running (dnsmasq died; restart the network)"
    end
    ctx.kv({
      {"Name:", i.name},
      {"UUID:", i.uuid},
      {"Active:", yes_no(i.active)},
      {"Persistent:", yes_no(i.persistent)},
      {"Autostart:", yes_no(i.autostart)},
      {"Bridge:", i.bridge},
      {"DHCP/DNS:", dhcp},
    }, 15)
  end,
})

add({
  name = "net-dumpxml", help = "network information in XML",
  desc = "Output the network information as an XML dump to stdout.",
  args = {NETWORK},
  opts = {{name = "inactive", help = "show inactive defined XML"}},
  run = function(ctx, o)
    local xml = net_of(ctx, o.network):xml({inactive = o.inactive or nil})
    ctx.write(xml:sub(-1) == "\n" and xml or xml .. "\n")
  end,
})

add({
  name = "net-uuid", help = "convert a network name to network UUID",
  desc = "Returns the UUID of a network.",
  args = {{name = "network", help = "network name"}},
  run = function(ctx, o) ctx.print(net_of(ctx, o.network).uuid) end,
})

add({
  name = "net-name", help = "convert a network UUID to network name",
  desc = "Returns the name of a network.",
  args = {{name = "network", help = "network uuid"}},
  run = function(ctx, o) ctx.print(net_of(ctx, o.network).name) end,
})

-- ---- net-edit ----

local function write_file(ctx, path, data)
  local f, msg = io.open(path, "wb")
  if not f then ctx.raise("system", string.format("cannot write '%s': %s", path, msg)) end
  local ok, wmsg = f:write(data)
  local cok, cmsg = f:close()
  if not ok or not cok then
    ctx.raise("system", string.format("cannot write '%s': %s", path, tostring(wmsg or cmsg)))
  end
end

local function edit_once(ctx, path, name)
  ctx.flush()
  local st = ctx.editor(path)
  if st ~= 0 then
    ctx.raise("system", string.format("network '%s': editor exited with status %s; changes not saved",
      name, tostring(st)))
  end
  return ctx.read_file(path)
end

local function ask_again(ctx)
  while true do
    ctx.write("Failed. Try again? [y,n,f,?]:")
    ctx.flush()
    local line = ctx.read_line()
    if line == nil then return "n" end
    local c = line:sub(1, 1):lower()
    if c == "y" or c == "n" then return c end
    if c == "f" then return "n" end
    ctx.write("y - yes, start editor again\nn - no, throw away my changes\n")
  end
end

add({
  name = "net-edit", help = "edit XML configuration for a network",
  desc = "Edit the XML configuration for a network in $VISUAL/$EDITOR; only a valid result is saved.",
  args = {NETWORK},
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    local name = n.name
    local orig = n:xml({inactive = true})
    local path = os.tmpname()
    local ok, res = pcall(function()
      write_file(ctx, path, orig)
      while true do
        local edited = edit_once(ctx, path, name)
        if edited == orig then
          ctx.extra(string.format("Network %s XML configuration not changed.", name))
          return 0
        end
        local dok, err = pcall(ctx.virt.define_network, edited)
        if dok then
          ctx.extra(string.format("Network %s XML configuration edited.", name))
          return 0
        end
        ctx.ewrite("error: " .. tostring(err) .. "\n")
        if ask_again(ctx) ~= "y" then
          ctx.raise("invalid", string.format(
            "network '%s': edited XML rejected; changes not saved", name))
        end
      end
    end)
    os.remove(path)
    if not ok then error(res, 0) end
    return res
  end,
})

-- ---- net-update ----

add({
  name = "net-update", help = "update parts of an existing network's configuration",
  desc = "Update part of an existing network's configuration.",
  args = {
    NETWORK,
    {name = "command", choices = {"add", "delete", "add-last", "add-first"},
      help = "type of update (add-first, add-last (add), delete, or modify)"},
    {name = "section", choices = {"ip-dhcp-host"},
      help = "which section of network configuration to update"},
    {name = "xml", help = "name of file containing xml (or, if it starts with '<', the complete text of the xml element) to add/modify, or to be matched for search"},
  },
  opts = {
    {name = "parent-index", value = true, int = true, help = "which parent object to search through"},
    {name = "config", help = "affect next network startup"},
    {name = "live", help = "affect running network"},
    {name = "current", help = "affect current state of network"},
  },
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    local xml = o.xml
    if xml:sub(1, 1) ~= "<" then xml = ctx.read_file(xml) end
    local cmd = o.command == "delete" and "delete" or "add"
    n:update(cmd, o.section, xml, {live = o.live or nil, config = o.config or nil})
    local what
    if o.config and o.live then
      what = "persistent config and live state"
    elseif o.config then
      what = "persistent config"
    elseif o.live or n.active then
      what = "live state"
    else
      what = "persistent config"
    end
    ctx.extra(string.format("Updated network %s %s", n.name, what))
  end,
})

-- ---- net-dhcp-leases ----

add({
  name = "net-dhcp-leases", json = true, help = "print lease info for a given network",
  desc = "Print lease info for a given network",
  args = {NETWORK},
  opts = {{name = "mac", value = true, help = "MAC address"}},
  run = function(ctx, o)
    local leases = net_of(ctx, o.network):dhcp_leases({mac = o.mac})
    table.sort(leases, function(a, b) return a.mac < b.mac end)
    if o.json then return ctx.json(leases) end
    local rows = {}
    for _, l in ipairs(leases) do
      table.insert(rows, {
        l.expiry == 0 and "never" or os.date("%Y-%m-%d %H:%M:%S", l.expiry),
        l.mac ~= "" and l.mac or "-", l.type, l.ip .. "/" .. tostring(l.prefix),
        l.hostname or "-", l.client_id or "-"})
    end
    ctx.table({"Expiry Time", "MAC address", "Protocol", "IP address",
      "Hostname", "Client ID or DUID"}, rows)
  end,
})

-- ---- net-port-forward (no virsh equivalent) ----

add({
  name = "net-port-forward", json = true,
  help = "forward a host port to a guest of a nat or route network",
  desc = "Forward a TCP or UDP port on every local address of the host to a " ..
    "guest address of the network (DNAT rules in the network's own nftables " ..
    "table; libvirt has no such command). 'add' needs --host-port and " ..
    "--guest-ip (--guest-port defaults to the host port); 'delete' needs " ..
    "--host-port (--guest-ip/--guest-port narrow it); 'list' shows the " ..
    "live forwards, or with --config (or on an inactive network) the " ..
    "persistent ones, which every net-start loads again. --live (the " ..
    "default) changes the running network, --config the persistent config; " ..
    "both may be given. From the host itself, connect to one of its " ..
    "addresses other than 127.0.0.1.",
  args = {
    NETWORK,
    {name = "action", choices = {"add", "delete", "list"}, help = "add, delete or list"},
  },
  opts = {
    {name = "proto", value = true, choices = {"tcp", "udp"}, help = "protocol (default tcp)"},
    {name = "host-port", value = true, int = true, help = "port on the host"},
    {name = "guest-ip", value = true, help = "guest IPv4 address in the network"},
    {name = "guest-port", value = true, int = true, help = "port in the guest (default: the host port)"},
    {name = "live", help = "affect running network (default)"},
    {name = "config", help = "affect next network startup"},
  },
  run = function(ctx, o)
    local n = net_of(ctx, o.network)
    if o.action == "list" then
      local fwds = n:port_forwards({config = o.config or nil})
      table.sort(fwds, function(a, b)
        if a.proto ~= b.proto then return a.proto < b.proto end
        return a.host_port < b.host_port
      end)
      if o.json then return ctx.json(fwds) end
      local rows = {}
      for _, f in ipairs(fwds) do
        table.insert(rows, {f.proto, tostring(f.host_port), f.guest_ip,
          tostring(f.guest_port)})
      end
      return ctx.table({"Protocol", "Host port", "Guest address", "Guest port"}, rows)
    end
    if not o["host-port"] then
      ctx.raise("invalid", "net-port-forward " .. o.action .. ": --host-port is required")
    end
    if o.action == "add" and not o["guest-ip"] then
      ctx.raise("invalid", "net-port-forward add: --guest-ip is required")
    end
    local f = {proto = o.proto or "tcp", host_port = o["host-port"],
      guest_ip = o["guest-ip"], guest_port = o["guest-port"],
      live = o.live or nil, config = o.config or nil}
    local what = (o.config and o.live and "persistent config and live state")
      or (o.config and "persistent config") or "live state"
    if o.action == "add" then
      n:port_forward(f)
      ctx.extra(string.format("Port forward %s %d -> %s:%d added to network %s %s",
        f.proto, f.host_port, f.guest_ip, f.guest_port or f.host_port, n.name, what))
    else
      n:port_forward_remove(f)
      ctx.extra(string.format("Port forward %s %d deleted from network %s %s",
        f.proto, f.host_port, n.name, what))
    end
  end,
})

return M
