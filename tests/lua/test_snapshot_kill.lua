-- test_snapshot_kill.lua - issue 11, defect 3: snapshot-create-as killed
-- (kill -9, by the test hook LUAVIRT_TEST_STOP_AT at a named step) while
-- QEMU runs its job, after the job, or after the metadata write. The next
-- snapshot command finds consistent state: QEMU's job ids do not collide,
-- a half-made snapshot is removed from the image (or kept, when its
-- metadata was stored), and snapshot-create-as with the same name and
-- another works; snapshot-list and the image's own list agree.
local t = require("harness")
local g = require("guest")

local root = os.getenv("LUAVIRT_ROOT")
local sh = g.sh
local disk = root .. "/sk.qcow2"

-- Run `luavirt ARGS` with the hook set to step; the exit code.
local function killed_at(step, args)
  local ok, how, code = os.execute("LUAVIRT_TEST_STOP_AT=" .. step .. " " .. g.bin ..
    " " .. args .. " >/dev/null 2>&1")
  if how == "signal" then code = 128 + code end
  return code
end

-- The snapshot tags in the image, sorted and joined: "s1 s2".
local function image_tags()
  local out = sh("qemu-img info -U --output=json " .. disk)
  local tags = {}
  for name in out:gmatch('"name": "([^"]*)"') do tags[#tags + 1] = name end
  table.sort(tags)
  return table.concat(tags, " ")
end

-- The snapshot names snapshot-list knows, sorted and joined.
local function listed(d)
  local names = {}
  for _, s in ipairs(d:snapshots()) do names[#names + 1] = s.name end
  table.sort(names)
  return table.concat(names, " ")
end

local function cli_ok(args)
  local code, out, err = g.cli(args)
  t.eq(code, 0, args .. ": " .. out .. err)
end

sh("qemu-img create -q -f qcow2 " .. disk .. " 16M")
local xml = g.xml("sk"):gsub("</devices>", "<disk type='file' device='disk'>" ..
  "<driver name='qemu' type='qcow2'/><source file='" .. disk .. "'/>" ..
  "<target dev='vdb' bus='virtio'/></disk></devices>")
local d = virt.define_domain(xml)
d:start()
d:wait_console(g.READY, 90)

t.test("killed while QEMU runs the job: no job-id clash, same name again works", function()
  t.eq(killed_at("snapshot-job-started", "snapshot-create-as sk s1"), 137, "killed")
  t.eq(listed(d), "", "snapshot-list: nothing recorded")
  cli_ok("snapshot-create-as sk s1")
  cli_ok("snapshot-create-as sk s2")
  t.eq(listed(d), "s1 s2", "snapshot-list")
  t.eq(image_tags(), "s1 s2", "the image holds the two, once each")
end)

t.test("killed after the job, before the metadata: the half-made one is removed", function()
  t.eq(killed_at("snapshot-after-job", "snapshot-create-as sk s3"), 137, "killed")
  t.eq(image_tags(), "s1 s2 s3", "the image holds the half-made s3")
  t.eq(listed(d), "s1 s2", "snapshot-list does not")
  cli_ok("snapshot-create-as sk s4")
  t.eq(listed(d), "s1 s2 s4", "snapshot-list")
  t.eq(image_tags(), "s1 s2 s4", "s3 is gone from the image")
  cli_ok("snapshot-create-as sk s3")
  t.eq(listed(d), "s1 s2 s3 s4", "s3 made again")
  t.eq(image_tags(), "s1 s2 s3 s4", "the image agrees")
end)

t.test("killed after the metadata write: the snapshot is kept", function()
  t.eq(killed_at("snapshot-after-metadata", "snapshot-create-as sk s5"), 137, "killed")
  t.eq(listed(d), "s1 s2 s3 s4 s5", "s5 is recorded")
  cli_ok("snapshot-delete sk s1")
  t.eq(listed(d), "s2 s3 s4 s5", "delete works after it")
  t.eq(image_tags(), "s2 s3 s4 s5", "the image agrees")
  t.eq(sh("ls " .. root .. "/lib/qemu/snapshot/sk | grep -c pending"), "0\n",
    "no pending mark is left")
end)

t.test("a shut-off guest: killed after qemu-img, the next create removes it", function()
  d:destroy()
  t.eq(killed_at("snapshot-after-job", "snapshot-create-as sk off1"), 137, "killed")
  t.eq(image_tags(), "off1 s2 s3 s4 s5", "the image holds the half-made off1")
  cli_ok("snapshot-create-as sk off1")
  cli_ok("snapshot-create-as sk off2")
  t.eq(listed(d), "off1 off2 s2 s3 s4 s5", "snapshot-list")
  t.eq(image_tags(), "off1 off2 s2 s3 s4 s5", "the image agrees")
end)

t.test("a revert and a delete after a killed job run with their own job ids", function()
  d:start()
  d:wait_console(g.READY, 90)
  t.eq(killed_at("snapshot-job-started", "snapshot-create-as sk s6"), 137, "killed")
  cli_ok("snapshot-revert sk s2")
  cli_ok("snapshot-delete sk s3")
  t.eq(listed(d), "off1 off2 s2 s4 s5", "snapshot-list")
  t.eq(image_tags(), "off1 off2 s2 s4 s5", "the killed s6 went with the delete")
  d:destroy()
end)

g.cleanup()
t.done()
