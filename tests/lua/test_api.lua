-- test_api.lua - the shape every object of the virt API shares, walked over
-- all five kinds: names, state vocabulary, properties visible to pairs,
-- error objects naming the function, key checking, return values; and that
-- README's API section, help and the exposed names agree.
local t = require("harness")
local g = require("guest")
local help = require("help")

local ROOT = os.getenv("LUAVIRT_ROOT")

local function set(list)
  local s = {}
  for _, r in ipairs(list) do s[r[1]] = true end
  return s
end

local function mt_of(kind)
  return debug.getregistry()["luavirt." .. kind]
end

t.test("help, README and the exposed names agree", function()
  local documented = set(help.functions)
  for name in pairs(virt) do
    t.check(documented[name], "virt." .. name .. " is in help")
  end
  for name in pairs(documented) do
    t.check(virt[name] ~= nil, "help's virt." .. name .. " exists")
  end
  for _, old in ipairs({"list", "lookup", "define", "create", "names", "list_rows",
      "net_define", "net_create", "pool_lookup", "pool_define", "pool_define_as",
      "pool_xml_as", "pool_create"}) do
    t.eq(virt[old], nil, "old name virt." .. old .. " is gone")
  end
  for _, kind in ipairs(help.KINDS) do
    local mt, k = mt_of(kind), help.kinds[kind]
    local methods, props = set(k.methods), set(k.properties)
    for _, m in ipairs(mt.__methods) do t.check(methods[m], kind .. ":" .. m .. " is in help") end
    for _, p in ipairs(mt.__properties) do t.check(props[p], kind .. "." .. p .. " is in help") end
    for m in pairs(methods) do t.check(mt.__methods_table[m], "help's " .. kind .. ":" .. m .. " exists") end
    local n = 0
    for _ in pairs(props) do n = n + 1 end
    t.eq(#mt.__properties, n, kind .. ": as many properties as help names")
    for _, shared in ipairs({"xml", "info", "definition"}) do
      t.check(mt.__methods_table[shared], kind .. " has :" .. shared .. "()")
    end
  end
  -- every key a function accepts is in its help signature, as "key="
  local sig = {}
  for _, r in ipairs(help.functions) do sig["virt." .. r[1]] = r[2] end
  for _, kind in ipairs(help.KINDS) do
    for _, r in ipairs(help.kinds[kind].methods) do sig[kind .. ":" .. r[1]] = r[2] end
  end
  for fn, args in pairs(virt.api_keys()) do
    for _, list in pairs(args) do
      for key in list:gmatch("%S+") do
        t.check(sig[fn] and sig[fn]:find(key .. "=", 1, true),
          string.format("help's %s shows its key %s", fn, key))
      end
    end
  end
  local f = assert(io.open("README.md"))
  local readme = f:read("a")
  f:close()
  local a = readme:find("<!-- api -->\n", 1, true)
  local b = readme:find("<!-- /api -->", 1, true)
  t.check(a and b, "README has the API markers")
  t.eq(readme:sub(a + #"<!-- api -->\n", b - 1), help.markdown(),
    "README's API section is help's (build/luavirt -e 'require(\"help\").update_readme(\"README.md\")')")
end)

-- A network as a table: defined from one, shown as one, refused by path.
t.test("a network's table form", function()
  local def = {name = "tblnet", bridge = {name = "virbr78", stp = false},
    forward = {mode = "nat", nat = {port = {start = 1024, ["end"] = 65535}}},
    domain = {name = "tbl.test", local_only = true},
    dns = {hosts = {{ip = "192.168.178.5", hostnames = {"web", "www"}}}},
    ips = {{address = "192.168.178.1", prefix = 24, dhcp = {
      ranges = {{start = "192.168.178.100", ["end"] = "192.168.178.200",
                 lease = {expiry = 2, unit = "hours"}}},
      hosts = {{mac = "52:54:00:AA:00:01", name = "web", ip = "192.168.178.5"}}}},
      {family = "ipv6", address = "fd00:178::1", prefix = 64}},
    routes = {{address = "10.78.0.0", prefix = 16, gateway = "192.168.178.254"}}}
  local xml = virt.to_xml("network", def)
  t.check(xml:find("<port start='1024' end='65535'/>", 1, true), "to_xml: nat ports")
  t.check(xml:find("<host mac='52:54:00:aa:00:01' name='web' ip='192.168.178.5'/>", 1, true),
    "to_xml: the dhcp host, MAC in lower case")
  t.check(xml:find("<ip family='ipv6' address='fd00:178::1' prefix='64'>", 1, true),
    "to_xml: the IPv6 address")
  local n = virt.define_network(def)
  t.eq(n.name, "tblnet", "define_network from a table")
  local got = n:definition()
  t.eq(got.uuid, n.uuid, "definition: the uuid made up at define")
  t.check(got.mac and got.mac:find("^52:54:00:"), "definition: the bridge MAC made up at define")
  t.eq(got.bridge.stp, false, "definition: stp")
  t.eq(got.forward.mode, "nat", "definition: forward mode")
  t.eq(got.forward.nat.port["end"], 65535, "definition: nat port range")
  t.eq(got.domain.local_only, true, "definition: domain localOnly")
  t.eq(got.dns.hosts[1].hostnames[2], "www", "definition: dns host names")
  t.eq(got.ips[1].dhcp.ranges[1].lease.unit, "hours", "definition: lease unit")
  t.eq(got.ips[1].dhcp.hosts[1].mac, "52:54:00:aa:00:01", "definition: dhcp host MAC")
  t.eq(got.ips[1].family, nil, "definition: no family where none was written")
  t.eq(got.ips[2].family, "ipv6", "definition: ipv6 family")
  t.eq(got.routes[1].gateway, "192.168.178.254", "definition: route gateway")
  t.eq(virt.to_xml("network", got), n:xml(), "to_xml of the definition is its XML")
  got.title = "edited"
  t.eq(virt.define_network(got), n, "define_network(definition) redefines it")
  t.eq(n:definition().title, "edited", "the edit is kept")
  t.eq(n:definition().uuid, got.uuid, "same uuid")

  t.raises("invalid", {"virt.define_network", "'ips[1].dhcp.rangs'"}, function()
    virt.define_network{name = "bad1", ips = {{address = "10.1.1.1", prefix = 24,
      dhcp = {rangs = {}}}}}
  end)
  t.raises("invalid", {"virt.define_network", "'bridge.stp' must be a boolean"}, function()
    virt.define_network{name = "bad1", bridge = {stp = "on"}}
  end)
  t.raises("invalid", {"virt.define_network", "not in the subnet"}, function()
    virt.define_network{name = "bad1", ips = {{address = "10.1.1.1", prefix = 24,
      dhcp = {ranges = {{start = "10.2.0.2", ["end"] = "10.2.0.9"}}}}}}
  end)
  t.eq(virt.find_network("bad1"), nil, "a bad table changes nothing")
  t.raises("invalid", {"virt.create_network", "'bogus'"}, function()
    virt.create_network{name = "bad2", bogus = true}
  end)
  t.eq(virt.find_network("bad2"), nil, "nothing created")
  t.raises("invalid", {"virt.to_xml", "'forward.mode'"}, function()
    virt.to_xml("network", {name = "bad3", forward = {dev = "eth0"}})
  end)
  t.raises("invalid", {"network:definition", "'bogus'"}, function() n:definition{bogus = 1} end)
  n:undefine()
end)

-- The shape every object shares, checked on one object of each kind.
local function check_shape(obj, kind, want_props)
  t.eq(getmetatable(obj).__kind, kind, kind .. ": kind")
  local seen = {}
  for k, v in pairs(obj) do seen[k] = v end
  for _, p in ipairs(want_props) do
    t.check(seen[p] ~= nil, kind .. ": pairs shows ." .. p)
    t.eq(seen[p], obj[p], kind .. ": pairs value of ." .. p)
  end
  t.check(type(seen.xml) == "function", kind .. ": pairs shows methods too")
  t.eq(type(obj:info()), "table", kind .. ": info() is a table")
  t.eq(type(obj:xml()), "string", kind .. ": xml() is a string")
  local ok, err = pcall(obj.xml, obj, {bogus = true})
  t.check(not ok and getmetatable(err) == debug.getregistry()["luavirt.error"],
    kind .. ": an unknown key raises a luavirt.error")
  t.eq(ok or err.code, "invalid", kind .. ": code of an unknown key")
  t.check(not ok and tostring(err):find(kind .. ":xml", 1, true) and
    tostring(err):find("'bogus'", 1, true), kind .. ": the error names function and key: " ..
    tostring(err))
  ok, err = pcall(obj.xml, 42)
  t.check(not ok and err.code == "invalid" and tostring(err):find("'" .. kind .. ":xml'", 1, true),
    kind .. ": a bad self names the function: " .. tostring(err))
  ok, err = pcall(function() obj.name = "x" end)
  t.check(not ok and err.code == "invalid" and tostring(err):find("read-only", 1, true),
    kind .. ": properties are read-only")
end

t.test("all five objects share one shape", function()
  local p = virt.define_pool{name = "apipool", type = "dir", target = {path = ROOT .. "/apipool"}}
  t.eq(p.state, "inactive", "pool state before start")
  t.eq(p:build(), p, "build returns self")
  t.eq(p:start(), p, "start returns self")
  t.eq(p.state, "active", "pool state: pool-list's word")
  t.eq(p:info().state, p.state, "pool info state is .state")
  check_shape(p, "pool", {"name", "uuid", "state", "active", "persistent", "autostart", "type"})
  local def = p:definition()
  t.eq(def.target.path, ROOT .. "/apipool", "pool definition: target path")
  t.eq(virt.to_xml("pool", def):match("<name>(.-)</name>"), "apipool", "to_xml of the definition")
  t.raises("state", {"apipool", "still active"}, function() p:undefine() end)
  t.eq(virt.find_pool("apipool"), p, "find_pool: same object")
  t.eq(virt.find_pool("nosuch"), nil, "find_pool: nil")
  t.raises("no-pool", {"nosuch"}, function() virt.pool("nosuch") end)

  local v = p:create_volume{name = "a.qcow2", capacity = "4M", format = "qcow2"}
  t.eq(v.pool, p, "vol.pool is the pool object")
  check_shape(v, "volume", {"name", "pool", "path", "format", "capacity"})
  t.eq(v:definition().capacity, 4 * 1024 * 1024, "volume definition: capacity")
  t.eq(virt.volume(v.path), v, "virt.volume by path")
  t.eq(p:find_volume("nosuch"), nil, "find_volume: nil")
  t.eq(virt.find_volume(ROOT .. "/nosuch"), nil, "virt.find_volume: nil")
  t.raises("invalid", {"pool:create_volume", "'bogus'"}, function()
    p:create_volume{name = "b.raw", capacity = "1M", bogus = 1}
  end)
  t.eq(p:find_volume("b.raw"), nil, "an unknown key changes nothing")

  local n = virt.define_network([[<network><name>apinet</name>
    <bridge name='virbr77'/></network>]])
  t.eq(n.state, "inactive", "network state: net-list's word")
  check_shape(n, "network", {"name", "uuid", "state", "active", "persistent", "autostart"})
  local ndef = n:definition()
  t.eq(ndef.bridge.name, "virbr77", "network definition: bridge name")
  t.eq(ndef.uuid, n.uuid, "network definition: uuid")
  t.eq(virt.to_xml("network", ndef), n:xml(), "to_xml of the network definition")
  t.eq(virt.find_network("nosuch"), nil, "find_network: nil")
  t.raises("no-network", {"nosuch"}, function() virt.network("nosuch") end)
  t.eq(n:undefine(), n, "network undefine returns self")

  local d = virt.define_domain(g.xml("apidom"))
  t.eq(d.state, "shut off", "domain state: domstate's word")
  check_shape(d, "domain", {"name", "uuid", "state", "active", "persistent", "autostart"})
  t.eq(virt.find_domain(d.uuid), d, "find_domain by uuid: the same object")
  t.eq(virt.find_domain("nosuch"), nil, "find_domain: nil")
  t.raises("invalid", {"virt.domains", "'bogus'"}, function() virt.domains{bogus = true} end)
  t.raises("invalid", {"domain:create_snapshot", "'disk_onyl'"}, function()
    d:create_snapshot({name = "x"}, {disk_onyl = true})
  end)
  t.eq(#d:snapshots(), 0, "a refused snapshot is not taken")
  local s = d:create_snapshot({name = "s1", description = "first"})
  t.eq(s.domain, d, "snap.domain is the domain object")
  t.eq(s.parent, nil, "a root has no parent")
  t.eq(s.state, "shut off", "snapshot state in the domain's words")
  check_shape(s, "snapshot", {"name", "domain", "state", "current", "description"})
  local s2 = d:create_snapshot({name = "s2"})
  t.eq(s2.parent, s, "snap.parent is an object")
  t.eq(d:find_snapshot("nosuch"), nil, "find_snapshot: nil")
  t.raises("no-snapshot", {"nosuch"}, function() d:snapshot("nosuch") end)
  local self_, gone = s2:delete()
  t.eq(self_, s2, "snapshot delete returns self")
  t.eq(gone[1], "s2", "and the names removed")
  s:delete()
  t.eq(d:undefine(), d, "domain undefine returns self")

  local _, removed = v:delete()
  t.eq(removed, ROOT .. "/apipool/a.qcow2", "volume delete: self and the path")
  t.eq(p:destroy(), p, "destroy returns self")
  t.eq(p:undefine(), p, "undefine of an inactive pool returns self")
end)

t.test("errors: codes, messages, virt.error", function()
  local e = virt.error("busy", "disk 'x': in use")
  t.eq(e.code, "busy", "virt.error code")
  t.eq(tostring(e), "disk 'x': in use", "virt.error message")
  t.raises("invalid", {"virt.domain", "string expected"}, function() virt.domain() end)
  t.raises("invalid", {"pool table", "'target.bogus'"}, function()
    virt.define_pool{name = "bad", type = "dir", target = {bogus = 1}}
  end)
  t.eq(virt.find_pool("bad"), nil, "nothing defined")
end)

-- Seconds of wall time fn takes.
local function timed(fn)
  local t0 = os.time()
  fn()
  return os.time() - t0
end

t.test("wait for a state a shut off guest cannot reach: an error at once", function()
  local d = virt.define_domain(g.xml("waiter"))
  local secs = timed(function()
    t.raises("state", {"waiter", "'running'", "shut off"}, function()
      d:wait{state = "running", timeout = 30}
    end)
  end)
  t.check(secs <= 2, "refused at once, not after the timeout: " .. secs .. " s")
  t.eq(d:wait{state = "shut off", timeout = 1}, true, "a state it is in returns at once")
  d:undefine()
end)

t.test("shutdown of a guest without ACPI: an error at once", function()
  local xml = g.xml("noacpi"):gsub("<acpi/>", "")
  local d = virt.create_domain(xml)
  local secs = timed(function()
    t.raises("unsupported", {"noacpi", "ACPI", "destroy"}, function() d:shutdown() end)
  end)
  t.check(secs <= 2, "refused at once: " .. secs .. " s")
  t.eq(d.state, "running", "still running")
  d:destroy()
end)

t.test("a volume holding a defined guest's snapshot is not deleted", function()
  local p = virt.pool("default")
  local v = p:create_volume{name = "snapdisk.qcow2", capacity = "16M", format = "qcow2"}
  local disk = string.format("<disk type='file' device='disk'><driver name='qemu' " ..
    "type='qcow2'/><source file='%s'/><target dev='vdb' bus='virtio'/></disk>\n", v.path)
  local d = virt.define_domain((g.xml("snapuser"):gsub("</devices>", disk .. "  </devices>")))
  local s = d:create_snapshot({name = "keep"})
  t.raises("busy", {"snapdisk.qcow2", "snapshot 'keep' of domain 'snapuser'"},
    function() v:delete() end)
  t.check(p:find_volume("snapdisk.qcow2"), "the volume is still there")
  s:delete()
  t.eq(d:undefine(), d, "plain undefine works: the image is intact")
  local path = v.path
  t.eq(select(2, v:delete()), path, "deleted once no snapshot needs it")
end)

t.test("the REPL shows an error's message and code", function()
  local f = io.popen("printf 'virt.domain(\"nope\")\\nerror({message = \"plain\"})\\n' | " ..
    g.bin .. " 2>&1")
  local out = f:read("a")
  f:close()
  t.check(out:find("error: domain 'nope': no such domain [no-domain]", 1, true), out)
  t.check(out:find("error: plain", 1, true), "a table error shows its message: " .. out)
end)

t.done()
