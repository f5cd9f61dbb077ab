-- test_names.lua - issue 11, defect 5: one name rule for every kind
-- (core/names.c, libvirt's): a name with a control character, a '/', a
-- leading '.', or an empty one is refused by define, create, rename, clone
-- and snapshot creation of domains, networks, pools, volumes and
-- snapshots, with an error naming the kind and the reason; nothing is
-- written.
local t = require("harness")
local g = require("guest")

local root = os.getenv("LUAVIRT_ROOT")

local BAD = {
  {"x\ny", "control character 0x0a"},
  {"tab\there", "control character 0x09"},
  {"del\127", "control character 0x7f"},
  {"a/b", "contains '/'"},
  {".x", "starts with '.'"},
  {"", "empty"},
}

-- Does fn raise an "invalid" or "xml" error naming kind and the reason,
-- and leave the lib dir as it was?
local function refused(what, kind, reason, fn)
  local before = g.snapshot()
  local ok, err = pcall(fn)
  local msg = tostring(err)
  t.check(not ok, what .. ": accepted")
  if ok then return end
  t.check(err.code == "invalid" or err.code == "xml",
    what .. ": code " .. tostring(err.code) .. ": " .. msg)
  t.check(msg:find(kind, 1, true), what .. ": names the kind '" .. kind .. "': " .. msg)
  t.check(msg:find(reason, 1, true) or (reason == "empty" and msg:find("missing", 1, true)),
    what .. ": says why (" .. reason .. "): " .. msg)
  t.check(not msg:find("\n", 1, true), what .. ": the message is one line: " .. msg)
  local same, which = g.same_snapshot(before, g.snapshot())
  t.check(same, what .. ": nothing written, but " .. tostring(which) .. " changed")
end

local function xml_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"))
end

local pool = virt.define_pool{name = "np", type = "dir", target = {path = root .. "/np"}}
os.execute("mkdir -p " .. root .. "/np")
pool:start()
local vol = pool:create_volume{name = "good.qcow2", capacity = "4M", format = "qcow2"}
local dxml = g.xml("good"):gsub("</devices>", "<disk type='file' device='disk'>" ..
  "<driver name='qemu' type='qcow2'/><source file='" .. vol.path .. "'/>" ..
  "<target dev='vdb' bus='virtio'/></disk></devices>")
local dom = virt.define_domain(dxml)

for _, case in ipairs(BAD) do
  local name, reason = case[1], case[2]
  local shown = "'" .. name:gsub("%c", function(ch)
    return ("\\x%02x"):format(ch:byte()) end) .. "'"
  t.test("the name " .. shown .. " is refused for every kind", function()
    refused("define domain " .. shown, "domain", reason, function()
      virt.define_domain((g.xml("NAMEHOLDER"):gsub("NAMEHOLDER", xml_escape(name))))
    end)
    refused("define domain from a table " .. shown, "domain", reason, function()
      virt.define_domain{name = name, memory = "64MiB"}
    end)
    refused("create domain " .. shown, "domain", reason, function()
      virt.create_domain((g.xml("NAMEHOLDER"):gsub("NAMEHOLDER", xml_escape(name))))
    end)
    refused("rename domain to " .. shown, "domain", reason, function()
      dom:rename(name)
    end)
    refused("define network " .. shown, "network", reason, function()
      virt.define_network("<network><name>" .. xml_escape(name) .. "</name></network>")
    end)
    refused("define pool " .. shown, "pool", reason, function()
      virt.define_pool{name = name, type = "dir", target = {path = root .. "/p2"}}
    end)
    refused("create volume " .. shown, "volume", reason, function()
      pool:create_volume{name = name, capacity = "1M", format = "raw"}
    end)
    refused("clone volume to " .. shown, "volume", reason, function()
      vol:clone(name)
    end)
    refused("create snapshot " .. shown, "snapshot", reason, function()
      dom:create_snapshot{name = name}
    end)
  end)
end

t.test("good names still work, and list prints them", function()
  t.eq(dom.name, "good", "the domain kept its name")
  t.eq(#pool:volumes(), 1, "one volume")
  t.eq(#dom:snapshots(), 0, "no snapshot")
  local s = dom:create_snapshot{name = "s-1 ok"}
  t.eq(s.name, "s-1 ok", "a name with a space and a dash")
  s:delete()
end)

t.done()
