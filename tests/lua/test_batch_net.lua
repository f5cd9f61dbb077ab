-- test_batch_net.lua - batch provisioning (issue 9) in a network namespace
-- of its own: 8 linked clones of a template on a NAT network, 4 at a time,
-- each with a cloud-init seed, all get distinct leases; one that cannot be
-- made is reported and the others finish; start/shutdown/destroy/undefine
-- by filter; the CLI prints one row per guest and fails when one failed.
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")
local batch = require("recipes.batch")

local IMG = g.root .. "/batch-img"
os.execute("mkdir -p " .. IMG)
local pool = virt.define_pool{name = "bimg", type = "dir", target = {path = IMG}}
pool:start()
local net = virt.network("default")
if not net.active then net:start() end

local function template(name)
  local disk = IMG .. "/" .. name .. ".qcow2"
  g.sh("qemu-img create -q -f qcow2 " .. disk .. " 32M")
  pool:refresh()
  local x = g.xml(name, {cmdline = "lv.dhcp=1"})
  x = x:gsub("</devices>", string.format([[
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
  <source file='%s'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><source network='default'/><model type='virtio'/></interface>
</devices>]], disk), 1)
  return virt.define_domain(x)
end

local tpl = template("tpl")

t.test("8 guests from a template, 4 at a time: 8 distinct leases, seeds, rows", function()
  local ready = {}
  local t0 = os.time()
  local rows = batch.provision{template = "tpl", count = 8, prefix = "web", jobs = 4,
    cloud_init = true, timeout = 240,
    on_ready = function(d, ip) ready[#ready + 1] = d.name .. "=" .. tostring(ip) end}
  local secs = os.time() - t0
  t.eq(#rows, 8, "one row per guest")
  local ips = {}
  for i, r in ipairs(rows) do
    t.eq(r.name, "web" .. i, "rows in order")
    t.eq(r.error, nil, r.name .. " without error")
    t.eq(r.state, "running", r.name .. " running")
    t.check(r.ip and r.ip:match("^192%.168%.122%.%d+$"), r.name .. " has an address: " ..
      tostring(r.ip))
    t.check(r.ip and not ips[r.ip], r.name .. "'s address is its own")
    if r.ip then ips[r.ip] = true end
  end
  t.eq(#ready, 8, "on_ready for each")
  local d = virt.domain("web5")
  t.check(g.ask(d, "lv-cmd cidata", "LUAVIRT-CIDATA"):find("web5", 1, true),
    "web5's seed names its hostname")
  t.check(g.sh("qemu-img info -U " .. d:disks()[1].source):find("backing file: " ..
    IMG .. "/tpl.qcow2", 1, true), "a linked clone of the template's image")
  print(string.format("  8 guests provisioned in %d s (jobs=4)", secs))
end)

t.test("one guest that cannot be made is reported; the others finish", function()
  -- the cloud-init seed the third one would get is there already
  g.write(IMG .. "/db3-cidata.iso", "not a seed\n")
  pool:refresh()
  local rows = batch.provision{template = "tpl", count = 4, prefix = "db", jobs = 2,
    wait = {console = g.READY}, cloud_init = true}
  local failed, ok = {}, 0
  for _, r in ipairs(rows) do
    if r.error then failed[#failed + 1] = r.name .. ": " .. r.error else ok = ok + 1 end
  end
  t.eq(ok, 3, "three made and started")
  t.eq(#failed, 1, "one failed")
  t.check(failed[1] and failed[1]:find("^db3: ") and failed[1]:find("db3-cidata.iso", 1, true),
    "the failure names the guest and the cause: " .. tostring(failed[1]))
  t.eq(virt.domain("db3").state, "shut off", "db3 was made but not started")
end)

t.test("filters: shutdown, start, destroy, undefine by name and state", function()
  local rows = batch.destroy{name = "db*"}
  t.eq(#rows, 3, "the three running db guests destroyed (db3 is not running)")
  for _, d in ipairs(batch.select{name = "db*", all = true}) do
    t.eq(d.state, "shut off", d.name .. " shut off")
  end
  os.remove(IMG .. "/db3-cidata.iso")
  rows = batch.start{name = "db?"}
  t.eq(#rows, 4, "the shut off ones started (by default)")
  -- ACPI is heard once the guests have booted
  virt.parallel(batch.select{name = "db*"}, function(d) d:wait_console(g.READY, 120) end)
  rows = batch.shutdown{name = "db*", timeout = 90}
  for _, r in ipairs(rows) do t.eq(r.error, nil, r.name .. " shut down") end
  rows = batch.undefine{name = "db*", storage = true}
  t.eq(#rows, 4, "undefined with their storage")
  t.eq(#batch.select{name = "db*", all = true}, 0, "none left")
  t.check(not g.sh("ls " .. IMG):find("db1.qcow2", 1, true), "their images are gone")
end)

t.test("the CLI: rows, and a failure makes the exit status non-zero", function()
  local code, out = g.cli("batch destroy --name 'web*'")
  t.eq(code, 0, "batch destroy: " .. out)
  t.check(out:find("web8%s+shut off"), "a row per guest:\n" .. out)
  code, out = g.cli("batch provision --template tpl --count 1 --prefix web --wait none")
  t.check(code ~= 0, "a taken name fails")
  code, out = g.cli("batch undefine --name 'web*' --remove-all-storage")
  t.eq(code, 0, "batch undefine: " .. out)
  t.eq(#batch.select{name = "web*", all = true}, 0, "none left")
  local _, _, err = g.cli("batch frobnicate")
  t.check(err:find("frobnicate", 1, true), "unknown action named: " .. err)
end)

tpl:undefine()
g.cleanup()
t.done()
