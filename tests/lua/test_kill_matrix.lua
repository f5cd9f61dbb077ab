-- test_kill_matrix.lua - issue 11: the kill -9 matrix. Every state-changing
-- command is killed at named steps by the test hook (LUAVIRT_TEST_STOP_AT,
-- core/test_hook.c: the process SIGKILLs itself there, as kill -9 would),
-- then the next command must find consistent state. For each step:
--   killed      the hook fired (exit 128+9)
--   list        `list --all` matches the processes (QEMU and supervisor
--               per running guest, none for a shut-off one)
--   usable      the object works again (define again, start, snapshot again,
--               create the volume again) and says what it should
--   no-tmp      no *.tmp.* file is left under the state root (pool dir too)
--   list-after  `list --all` matches the processes after that command
--   no-locks    no lock file in run/locks for a name that is not defined
local t = require("harness")
local g = require("guest")

local root = os.getenv("LUAVIRT_ROOT")
local sh = g.sh
local pooldir = root .. "/kmpool"
local disk = root .. "/km.qcow2"
local UUID = "5e1e0c3a-7d3b-4c8e-9a51-0f6d2b3c4d5e"

local function run(args, step)
  local out = os.tmpname()
  local env = step and ("LUAVIRT_TEST_STOP_AT=" .. step .. " ") or ""
  local ok, how, code = os.execute(env .. g.bin .. " " .. args .. " >" .. out .. " 2>&1")
  local o = g.read(out)
  os.remove(out)
  if how == "signal" then code = 128 + code end
  return code, o
end

-- Live processes whose argv[0] (argv[1] for the supervisor, the luavirt
-- binary) holds what, with pat in their command line.
local function procs(what, pat)
  local n = 0
  for pid in sh("ls /proc"):gmatch("(%d+)\n") do
    local f = io.open("/proc/" .. pid .. "/cmdline", "rb")
    local cmd = f and f:read("a") or ""
    if f then f:close() end
    local st = io.open("/proc/" .. pid .. "/stat")
    local zombie = st and (st:read("l") or ""):match("^%d+ %b() (%a)") == "Z"
    if st then st:close() end
    local a0, a1 = cmd:match("^([^%z]*)%z([^%z]*)")
    local which = what == "__supervise" and a1 or a0
    if not zombie and which and which:find(what, 1, true) and cmd:find(pat, 1, true) then
      n = n + 1
    end
  end
  return n
end

-- Does `list --all` agree with the processes? nil, or what disagrees.
local function list_vs_procs()
  local code, out = run("list --all")
  if code ~= 0 then return "list failed: " .. out end
  for line in out:gmatch("[^\n]+") do
    local name, state = line:match("^%s*%S+%s+(%S+)%s+(.-)%s*$")
    if name and name ~= "Name" and not name:match("^%-") then
      local want = (state == "running" or state == "paused") and 1 or 0
      local q = procs("qemu-system", root .. "/run/qemu/" .. name .. "/")
      local s = procs("__supervise", root .. "/run/qemu/" .. name .. "\0")
      if q ~= want or s ~= want then
        return string.format("%s is %s with %d QEMU and %d supervisors", name, state, q, s)
      end
    end
  end
  return nil
end

local function consistent(what)
  local why
  -- a supervisor left alone finishes its start, or QEMU its exit
  t.eventually(function() why = list_vs_procs() return why == nil end, 30)
  t.check(why == nil, what .. ": list matches processes: " .. tostring(why))
end

local function no_tmp(what)
  local left = sh("find " .. root .. " -name '*.tmp.*'")
  t.eq(left, "", what .. ": no temp files")
end

local function no_stale_locks(what)
  local bad = {}
  for f in sh("ls " .. root .. "/run/locks"):gmatch("[^\n]+") do
    local name = f:match("^dom%-(.*)%.lock$")
    if name then
      local code = run("dominfo " .. name)
      if code ~= 0 then bad[#bad + 1] = f end
    end
  end
  t.eq(table.concat(bad, " "), "", what .. ": no lock file of an undefined domain")
end

local function must(what, code, out)
  t.eq(code, 0, what .. ": " .. out)
end

local function guest_xml(name, uuid)
  local x = g.xml(name):gsub("<name>", "<uuid>" .. uuid .. "</uuid><name>", 1)
  return x
end

local function write_xml(name, uuid, with_disk)
  local x = guest_xml(name, uuid)
  if with_disk then
    x = x:gsub("</devices>", "<disk type='file' device='disk'><driver name='qemu' " ..
      "type='qcow2'/><source file='" .. disk .. "'/><target dev='vdb' bus='virtio'/>" ..
      "</disk></devices>")
  end
  local p = root .. "/" .. name .. ".xml"
  g.write(p, x)
  return p
end

-- what `luavirt domname UUID` says, or nil when it fails
local function domname(uuid)
  local code, out = run("domname " .. uuid)
  return code == 0 and out:match("^(%S+)") or nil
end

local function snaps(name)
  local code, out = run("snapshot-list " .. name .. " --name")
  local list = {}
  for s in out:gmatch("%S+") do list[#list + 1] = s end
  table.sort(list)
  return table.concat(list, " ")
end

-- setup (optional), the command, what shows it usable afterwards
local MATRIX = {
  { step = "define-after-uuid-tmp",
    cmd = function() return "define " .. write_xml("kd1", UUID) end,
    usable = function(w)
      must(w .. ": define again", run("define " .. root .. "/kd1.xml"))
      t.eq(domname(UUID), "kd1", w .. ": domname of its uuid")
      must(w .. ": undefine", run("undefine kd1"))
    end },
  { step = "define-after-uuid",
    cmd = function() return "define " .. write_xml("kd2", UUID) end,
    usable = function(w)
      t.eq(domname(UUID), nil, w .. ": a uuid without its definition answers nothing")
      must(w .. ": define again", run("define " .. root .. "/kd2.xml"))
      t.eq(domname(UUID), "kd2", w .. ": domname of its uuid")
      must(w .. ": undefine", run("undefine kd2"))
    end },
  { step = "define-after-tmp",
    cmd = function() return "define " .. write_xml("kd3", UUID) end,
    usable = function(w)
      t.eq(run("dominfo kd3"), 1, w .. ": not defined")
      must(w .. ": define again", run("define " .. root .. "/kd3.xml"))
      t.eq(domname(UUID), "kd3", w .. ": domname of its uuid")
    end },
  { step = "define-after-rename",
    cmd = function() return "define " .. write_xml("kd4", "6e1e0c3a-7d3b-4c8e-9a51-0f6d2b3c4d5e") end,
    usable = function(w)
      must(w .. ": defined", run("dominfo kd4"))
      must(w .. ": define again", run("define " .. root .. "/kd4.xml"))
      must(w .. ": undefine", run("undefine kd4"))
    end },
  { step = "undefine-after-xml",
    cmd = function() return "undefine kd3" end,
    usable = function(w)
      t.eq(domname(UUID), nil, w .. ": its uuid answers nothing")
      t.eq(run("undefine kd3"), 1, w .. ": undefine again: no such domain")
      -- the uuid comes back under another name: the stale link must not
      -- answer kd3 for it
      local p = write_xml("kd5", UUID)
      must(w .. ": its uuid under another name", run("define " .. p))
      t.eq(domname(UUID), "kd5", w .. ": domname of the uuid")
      must(w .. ": undefine", run("undefine kd5"))
      -- and the name again: defined, undefined, its lock file gone
      must(w .. ": define the name again", run("define " .. root .. "/kd3.xml"))
      t.eq(domname(UUID), "kd3", w .. ": domname of the uuid")
      must(w .. ": undefine", run("undefine kd3"))
    end },
  { step = "start-after-spawn",
    setup = function() must("define km", run("define " .. write_xml("km",
      "7e1e0c3a-7d3b-4c8e-9a51-0f6d2b3c4d5e", true))) end,
    cmd = function() return "start km" end,
    usable = function(w)
      -- the supervisor goes on without the shell: the guest comes up
      t.check(t.eventually(function() return virt.domain("km").state == "running" end, 30),
        w .. ": running without the shell")
      must(w .. ": destroy", run("destroy km"))
      must(w .. ": start again", run("start km"))
    end },
  { step = "start-sup-after-qemu",
    setup = function() run("destroy km") end,
    cmd = function() return "start km" end,
    code = 1,  -- the shell lives: it reports the supervisor's death
    usable = function(w)
      t.eq(virt.domain("km").state, "shut off", w .. ": shut off")
      must(w .. ": start again", run("start km"))
      virt.domain("km"):wait_console(g.READY, 90)
    end },
  { step = "snapshot-job-started",
    cmd = function() return "snapshot-create-as km k1" end,
    usable = function(w)
      t.eq(snaps("km"), "", w .. ": not recorded")
      must(w .. ": the same name again", run("snapshot-create-as km k1"))
      t.eq(snaps("km"), "k1", w .. ": snapshot-list")
    end },
  { step = "snapshot-after-job",
    cmd = function() return "snapshot-create-as km k2" end,
    usable = function(w)
      must(w .. ": the same name again", run("snapshot-create-as km k2"))
      must(w .. ": another name", run("snapshot-create-as km k3"))
      t.eq(snaps("km"), "k1 k2 k3", w .. ": snapshot-list")
    end },
  { step = "snapshot-after-metadata",
    cmd = function() return "snapshot-create-as km k4" end,
    usable = function(w)
      t.eq(snaps("km"), "k1 k2 k3 k4", w .. ": recorded")
      must(w .. ": another name", run("snapshot-create-as km k5"))
      must(w .. ": delete", run("snapshot-delete km k4"))
      t.eq(snaps("km"), "k1 k2 k3 k5", w .. ": snapshot-list")
    end },
  { step = "vol-create-after-reserve",
    setup = function()
      sh("mkdir -p " .. pooldir)
      must("pool", run("pool-define-as kmp dir --target " .. pooldir))
      must("pool-start", run("pool-start kmp"))
    end,
    cmd = function() return "vol-create-as kmp v1.qcow2 8M --format qcow2" end,
    usable = function(w)
      t.eq(run("vol-info v1.qcow2 --pool kmp"), 1, w .. ": no half-made volume")
      must(w .. ": create again", run("vol-create-as kmp v1.qcow2 8M --format qcow2"))
      local _, out = run("vol-info v1.qcow2 --pool kmp")
      t.check(out:find("8.00 MiB", 1, true), w .. ": its capacity: " .. out)
    end },
  { step = "vol-create-after-img",   -- made, not yet renamed into place
    cmd = function() return "vol-create-as kmp v2.qcow2 8M --format qcow2" end,
    usable = function(w)
      t.eq(run("vol-info v2.qcow2 --pool kmp"), 1, w .. ": no volume yet")
      must(w .. ": create again", run("vol-create-as kmp v2.qcow2 8M --format qcow2"))
    end },
  { step = "vol-create-after-rename",
    cmd = function() return "vol-create-as kmp v3.qcow2 8M --format qcow2" end,
    usable = function(w)
      must(w .. ": the whole volume is there", run("vol-info v3.qcow2 --pool kmp"))
      t.eq(run("vol-create-as kmp v3.qcow2 8M --format qcow2"), 1, w .. ": taken name")
      must(w .. ": delete", run("vol-delete v3.qcow2 --pool kmp"))
      must(w .. ": create again", run("vol-create-as kmp v3.qcow2 8M --format qcow2"))
    end },
}

sh("qemu-img create -q -f qcow2 " .. disk .. " 16M")
for _, row in ipairs(MATRIX) do
  t.test("killed at " .. row.step, function()
    local w = row.step
    if row.setup then row.setup() end
    local code, out = run(row.cmd(), w)
    t.eq(code, row.code or 137, w .. ": killed by the hook: " .. out)
    consistent(w)
    row.usable(w)
    no_tmp(w)
    consistent(w .. " (after)")
    no_stale_locks(w)
  end)
end

t.test("the matrix", function()
  io.stdout:write(string.format("kill matrix: %d steps x 6 checks\n", #MATRIX))
  t.check(#MATRIX >= 13, "every step is in the matrix")
end)

run("destroy km")
run("pool-destroy kmp")
g.cleanup()
t.done()
