-- test_snapshot.lua - snapshots end to end with real QEMU under TCG: a
-- guest writes marker A to its qcow2 disk, a snapshot is taken, it writes
-- B, the revert brings A back (the guest reads its disk); snapshots of a
-- shut-off guest land in the image (qemu-img snapshot -l); a disk-only
-- snapshot switches the running guest to an overlay; delete with
-- children; and errors that change nothing.
local t = require("harness")
local g = require("guest")

local root = os.getenv("LUAVIRT_ROOT")

local sh = g.sh

local function image(name, fmt)
  local path = root .. "/" .. name
  sh(string.format("qemu-img create -q -f %s %s 16M", fmt, path))
  return path
end

local function xml_with_disk(name, path, fmt)
  local disk = string.format("<disk type='file' device='disk'><driver name='qemu' " ..
    "type='%s'/><source file='%s'/><target dev='vdb' bus='virtio'/></disk>\n", fmt, path)
  return (g.xml(name):gsub("</devices>", disk .. "  </devices>"))
end

-- Does the guest answer lv-cmd lines on its console (tests/guest/init)?
-- It must: the tests check it, and a silent guest fails them.
local function answers(d)
  return pcall(d.console_write, d, "lv-cmd blocks\n", {expect = "LUAVIRT-BLOCKS", timeout = 10})
end

-- The last LUAVIRT-COUNTER value in the console log after byte from.
local function last_count(d, from)
  local n = 0
  for v in d:console_log():sub((from or 0) + 1):gmatch("LUAVIRT%-COUNTER (%d+)[\r\n]") do
    n = tonumber(v)
  end
  return n
end

-- The test guests have one virtio disk, target vdb; the guest kernel names
-- disks in probe order, so inside the guest it is vda.

-- Run one lv-cmd in the guest and wait for its answer line (from now on).
local function cmd(d, line, answer)
  d:console_write(line .. "\n", {expect = answer, timeout = 60})
end

t.test("internal snapshot of a running guest: revert brings memory and disk back", function()
  local disk = image("run.qcow2", "qcow2")
  local d = virt.define_domain((xml_with_disk("snaprun", disk, "qcow2"):gsub("no_timer_check",
    "no_timer_check lv.counter=1")))
  d:start()
  d:wait_console("LUAVIRT-COUNTER 3", 90)
  -- the test guest answers lv-cmd: silence is a failure, never a skip
  t.check(answers(d), "the guest answers lv-cmd")
  cmd(d, "lv-cmd write vda A", "LUAVIRT-WROTE vda A")
  local s1 = d:create_snapshot{name = "s1", description = "marker A"}
  local at_snap = last_count(d)
  t.eq(s1.name, "s1", "name")
  t.eq(s1.current, true, "new snapshot is current")
  t.eq(d.state, "running", "guest runs on after the snapshot")
  local i = s1:info()
  t.eq(i.state, "running", "snapshot state")
  t.eq(i.location, "internal", "location")
  t.eq(i.parent, nil, "a root")
  cmd(d, "lv-cmd write vda B", "LUAVIRT-WROTE vda B")
  cmd(d, "lv-cmd read vda", "LUAVIRT-READ vda B")
  d:wait_console("LUAVIRT-COUNTER " .. (at_snap + 4), 60)
  local s2 = d:create_snapshot{name = "s2"}
  t.eq(s2.parent.name, "s1", "parent link")
  t.eq(s1.current, false, "old current cleared")
  local before = last_count(d)
  local from = #d:console_log()
  s1:revert()
  t.eq(d.state, "running", "running after revert")
  t.eq(s1.current, true, "reverted snapshot is current")
  -- the guest's memory is the snapshot's: its counter goes on from there
  d:wait_console("LUAVIRT-COUNTER", 60, from)
  local next_count = last_count(d, from)
  t.check(next_count <= at_snap + 2 and next_count < before,
    string.format("counter back to the snapshot's: %d (snapshot %d, before revert %d)",
      next_count, at_snap, before))
  cmd(d, "lv-cmd read vda", "LUAVIRT-READ vda A")
  -- CLI views
  local code, out = g.cli("snapshot-list snaprun")
  t.eq(code, 0, "snapshot-list runs")
  t.check(out:find("^ Name%s+Creation Time%s+State"), "virsh header: " .. out)
  t.check(out:find("\n s1 +%d+%-%d+%-%d+ [%d:]+ [+-]%d+ +running"), "s1 row: " .. out)
  code, out = g.cli("snapshot-list snaprun --tree")
  t.check(out:find("^s1\n  |\n  %+%- s2\n"), "tree: " .. out)
  code, out = g.cli("snapshot-current snaprun --name")
  t.check(out:find("^s1\n"), "snapshot-current: " .. out)
  code, out = g.cli("snapshot-parent snaprun s2")
  t.check(out:find("^s1\n"), "snapshot-parent: " .. out)
  code, out = g.cli("snapshot-info snaprun s1")
  t.check(out:find("Children:%s+1") and out:find("Current:%s+yes"), out)
  code, out = g.cli("snapshot-dumpxml snaprun s1")
  t.check(out:find("<name>s1</name>", 1, true) and out:find("<domain type='qemu'>", 1, true)
    and not out:find("<active>", 1, true), "dumpxml: " .. out)
  -- delete with children names both; the images lose both snapshots
  local _, gone = s1:delete{children = true}
  t.eq(table.concat(gone, ","), "s2,s1", "removed, children first")
  t.eq(#d:snapshots(), 0, "no snapshots left")
  d:destroy()
  t.check(not sh("qemu-img snapshot -l " .. disk):find("s1"), "gone from the image")
  d:undefine()
end)

t.test("internal snapshot of a shut-off guest lives in the qcow2 image", function()
  local disk = image("off.qcow2", "qcow2")
  local d = virt.define_domain(xml_with_disk("snapoff", disk, "qcow2"))
  sh("qemu-io -f qcow2 -c 'write -P 0x41 0 4096' " .. disk)     -- marker A
  local s = d:create_snapshot{name = "off1"}
  sh("qemu-io -f qcow2 -c 'write -P 0x42 0 4096' " .. disk)     -- marker B
  t.eq(s:info().state, "shut off", "state, in the domain's words")
  t.check(sh("qemu-img snapshot -l " .. disk):find("off1"), "qemu-img lists it")
  local code, out = g.cli("snapshot-create-as snapoff off2 'second one'")
  t.eq(code, 0, "snapshot-create-as")
  t.check(out:find("^Domain snapshot off2 created\n"), "virsh message: " .. out)
  t.eq(d:snapshot("off2").parent.name, "off1", "parent")
  s:revert()
  t.eq(d.state, "shut off", "stays off")
  local ra = sh("qemu-io -f qcow2 -c 'read -P 0x41 0 4096' " .. disk)
  t.check(ra:find("read 4096/4096") and not ra:find("failed"), "the disk holds A again: " .. ra)
  t.check(sh("qemu-io -f qcow2 -c 'read -P 0x42 0 4096' " .. disk):find("failed"),
    "and not B")
  code, out = g.cli("snapshot-delete snapoff off1")
  t.check(out:find("^Domain snapshot off1 deleted\n"), "delete message: " .. out)
  t.eq(d:snapshot("off2").parent, nil, "child moved up to the root")
  local l = sh("qemu-img snapshot -l " .. disk)
  t.check(not l:find("off1") and l:find("off2"), "image: " .. l)
  -- undefine with snapshot metadata: refused unless asked, like virsh
  local lib = root .. "/lib/qemu/snapshot/"
  local before = g.snapshot()
  t.raises("invalid", {"domain 'snapoff'", "1 snapshot;", "--snapshots-metadata"},
    function() d:undefine() end)
  local err
  code, _, err = g.cli("undefine snapoff")
  t.eq(code, 1, "CLI undefine refused")
  t.check(err:find("error: domain 'snapoff': cannot undefine: it has 1 snapshot; " ..
    "use --snapshots-metadata", 1, true), err)
  t.check(g.same_snapshot(before, g.snapshot()), "refused undefine changed nothing")
  -- domrename takes the snapshots along (libvirt >= 6.10 does)
  code, _, err = g.cli("domrename snapoff snapren")
  t.eq(code, 0, "domrename: " .. err)
  t.check(io.open(lib .. "snapren/off2.xml"), "metadata moved")
  t.check(not io.open(lib .. "snapoff/off2.xml"), "not left under the old name")
  d = virt.domain("snapren")
  t.eq(d:snapshot("off2").name, "off2", "snapshot found under the new name")
  t.eq(#d:snapshots(), 1, "one snapshot under the new name")
  t.eq(g.cli("snapshot-list snapoff"), 1, "old name has none")
  code, out, err = g.cli("undefine snapren --snapshots-metadata")
  t.eq(code, 0, "undefine --snapshots-metadata: " .. err)
  t.check(not io.open(lib .. "snapren/off2.xml") and not io.open(lib .. "snapren"),
    "metadata removed")
  t.check(sh("qemu-img snapshot -l " .. disk):find("off2"), "the image keeps its snapshot")
  -- a new domain of the same name starts with no snapshots
  d = virt.define_domain(xml_with_disk("snapren", disk, "qcow2"))
  t.eq(#d:snapshots(), 0, "no stale metadata")
  d:undefine()
end)

t.test("snapshot tree: --tree, --parent, deleting a snapshot with children", function()
  local disk = image("tree.qcow2", "qcow2")
  local d = virt.define_domain(xml_with_disk("snaptree", disk, "qcow2"))
  d:create_snapshot{name = "s1"}
  d:create_snapshot{name = "s2"}
  d:snapshot("s1"):revert()
  d:create_snapshot{name = "s3"}
  d:create_snapshot{name = "s4"}
  local code, out = g.cli("snapshot-list snaptree --tree")
  t.eq(code, 0, "--tree")
  -- virsh's vshTreePrint layout
  t.eq(out:sub(1, #"s1\n  |\n  +- s2\n  +- s3\n      |\n      +- s4\n        \n"),
    "s1\n  |\n  +- s2\n  +- s3\n      |\n      +- s4\n        \n", "tree layout")
  code, out = g.cli("snapshot-list snaptree --parent")
  t.check(out:find("^ Name%s+Creation Time%s+State%s+Parent\n"), "--parent header: " .. out)
  t.check(out:find("\n s1 [^\n]*shutoff *\n"), "s1 has no parent: " .. out)
  t.check(out:find("\n s2 [^\n]*shutoff +s1 *\n"), "s2 under s1: " .. out)
  t.check(out:find("\n s4 [^\n]*shutoff +s3 *\n"), "s4 under s3: " .. out)
  code, out = g.cli("snapshot-list snaptree --roots --name")
  t.eq(out:match("^[^\n]*"), "s1", "--roots")
  code, out = g.cli("snapshot-parent snaptree s4")
  t.eq(out:match("^[^\n]*"), "s3", "snapshot-parent")
  -- deleting s3, which s4 hangs off: s4 moves up to s1 and keeps its state
  code, out = g.cli("snapshot-delete snaptree s3")
  t.eq(code, 0, "delete s3")
  t.eq(d:snapshot("s4").parent.name, "s1", "s4 reparented")
  t.eq(d:current_snapshot().name, "s4", "current unchanged")
  local l = sh("qemu-img snapshot -l " .. disk)
  t.check(not l:find("s3") and l:find("s4"), "image: " .. l)
  code, out = g.cli("snapshot-list snaptree --tree")
  t.check(out:find("^s1\n  |\n  %+%- s2\n  %+%- s4\n"), "tree after: " .. out)
  -- --children-only leaves the parent
  code, out = g.cli("snapshot-delete snaptree s1 --children-only")
  t.eq(code, 0, "children-only")
  local names = {}
  for _, s in ipairs(d:snapshots()) do names[#names + 1] = s.name end
  t.eq(table.concat(names, ","), "s1", "only s1 left")
  t.eq(d:current_snapshot().name, "s1", "current moved up to s1")
  d:undefine{snapshots_metadata = true}
end)

t.test("disk-only external snapshot switches the running guest to an overlay", function()
  local disk = image("ext.qcow2", "qcow2")
  local d = virt.define_domain(xml_with_disk("snapext", disk, "qcow2"))
  d:start()
  d:wait_console(g.READY, 60)
  t.check(answers(d), "the guest answers lv-cmd")
  local s = d:create_snapshot({name = "e1"}, {disk_only = true})
  local overlay = root .. "/ext.e1"
  t.eq(s:info().state, "disk-snapshot", "state")
  t.eq(s:info().location, "external", "location")
  t.check(d:xml():find(overlay, 1, true), "live XML points at the overlay")
  t.check(d:xml{inactive = true}:find(overlay, 1, true), "persistent XML too")
  local info = sh("qemu-img info -U " .. overlay)
  t.check(info:find("backing file: " .. disk, 1, true), "overlay backed by the base: " .. info)
  cmd(d, "lv-cmd write vda C", "LUAVIRT-WROTE vda C")
  cmd(d, "lv-cmd read vda", "LUAVIRT-READ vda C")
  -- a second overlay on top: e2's image is backed by e1's
  local s2 = d:create_snapshot({name = "e2"}, {disk_only = true})
  t.eq(s2.parent.name, "e1", "e2 on e1")
  local before = g.snapshot()
  t.raises("busy", {"e1", "--metadata"}, function() s:delete() end)
  t.raises("busy", {"e1"}, function() s:delete{children = true} end)
  t.raises("unsupported", {"e1", "external"}, function() s:revert() end)
  t.check(g.same_snapshot(before, g.snapshot()), "refused deletes changed nothing")
  t.eq(#d:snapshots(), 2, "both snapshots kept")
  t.eq(table.concat(select(2, s:delete{metadata = true, children = true}), ","), "e2,e1",
    "metadata delete")
  t.check(io.open(overlay, "rb"), "overlay kept")
  d:destroy()
  d:undefine()
end)

t.test("errors change nothing", function()
  local raw = image("raw.img", "raw")
  local d = virt.define_domain(xml_with_disk("snapraw", raw, "raw"))
  t.raises("unsupported", {"snapraw", "vdb", "raw", "qcow2"},
    function() d:create_snapshot{name = "x"} end)
  t.eq(#d:snapshots(), 0, "no snapshot recorded")
  t.raises("no-snapshot", {"nosuch", "snapraw"}, function() d:snapshot("nosuch") end)
  local code, _, err = g.cli("snapshot-revert snapraw nosuch")
  t.eq(code, 1, "cli exit status")
  t.check(err:find("error: snapshot 'nosuch' of domain 'snapraw': no such snapshot",
    1, true), err)
  local disk = image("dup.qcow2", "qcow2")
  local d2 = virt.define_domain(xml_with_disk("snapdup", disk, "qcow2"))
  d2:create_snapshot{name = "one"}
  t.raises("exists", {"one", "already exists"}, function() d2:create_snapshot{name = "one"} end)
  t.raises("invalid", {"a/b"}, function() d2:create_snapshot{name = "a/b"} end)
  t.eq(#d2:snapshots(), 1, "one snapshot")
  d2:snapshot("one"):delete()
  d2:undefine()
  d:undefine()
end)

t.done()
