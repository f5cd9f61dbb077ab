-- test_run_modes.lua - issue 11, defect 1: a guest started under umask 000
-- leaves no run dir, socket, status, pid or log file that another local
-- user can enter, read or connect to. The QMP socket answers root, and
-- refuses a process that has become nobody (65534) with EACCES.
local t = require("harness")
local g = require("guest")

local root = os.getenv("LUAVIRT_ROOT")
local sh = g.sh

-- "700 directory", "600 socket", ... as stat(1) says it
local function mode(path)
  local m = sh("stat -c '%a %F' " .. path):gsub("\n$", "")
  return (m:gsub("regular empty file", "regular file"))
end

-- Run a luavirt command line under umask 000; exit code and output.
local function under_umask0(args)
  local out = os.tmpname()
  local ok, how, code = os.execute("umask 000 && " .. g.bin .. " " .. args ..
    " >" .. out .. " 2>&1")
  local o = g.read(out)
  os.remove(out)
  if how == "signal" then code = 128 + code end
  return code, o
end

-- Connect to a unix socket, as root or (nobody = true) as uid/gid 65534;
-- the errno name on failure, else "connected" and QEMU's greeting.
local PY = "import socket,sys,errno\n" ..
  "s = socket.socket(socket.AF_UNIX)\n" ..
  "s.settimeout(10)\n" ..
  "try:\n" ..
  "    s.connect(sys.argv[1]); print('connected', s.recv(200))\n" ..
  "except OSError as e:\n" ..
  "    print(errno.errorcode.get(e.errno, str(e)))\n"

local function connect(path, nobody)
  local pyfile = root .. "/connect.py"
  g.write(pyfile, PY)
  sh("chmod 644 " .. pyfile)
  local pre = nobody and "setpriv --reuid=65534 --regid=65534 --clear-groups " or ""
  return sh(pre .. "/usr/bin/python3 " .. pyfile .. " " .. path)
end

t.test("a guest started under umask 000: run dirs 0700, sockets and files 0600", function()
  -- the state root as /run is: enterable by everyone, so only the modes
  -- luavirt sets keep others out
  sh("chmod 755 " .. root)
  local xml = root .. "/modes.xml"
  g.write(xml, g.xml("modes"))
  local code, out = under_umask0("define " .. xml)
  t.eq(code, 0, "define: " .. out)
  code, out = under_umask0("start modes")
  t.eq(code, 0, "start: " .. out)
  local d = virt.domain("modes")
  t.eq(d.state, "running", "state")
  d:wait_console(g.READY, 90)

  local run = root .. "/run"
  local rd = run .. "/qemu/modes"
  -- a confined QEMU (system scope as root) is let through the dirs above
  -- its own (group only, 0710) and owns its run dir by group (01770)
  local pid = g.read(rd .. "/pid"):match("%d+")
  local jailed = sh("stat -c %U /proc/" .. pid) == "luavirt-qemu\n"
  t.eq(mode(run .. "/locks"), "700 directory", run .. "/locks")
  for _, dir in ipairs{run, run .. "/qemu"} do
    t.eq(mode(dir), jailed and "710 directory" or "700 directory", dir)
    if jailed then
      t.eq(sh("stat -c %G " .. dir), "luavirt-qemu\n", dir .. ": group")
    end
  end
  t.eq(mode(rd), jailed and "1770 directory" or "700 directory", rd)
  t.eq(mode(rd .. "/qmp.sock"), "600 socket", "qmp.sock")
  t.eq(mode(rd .. "/qmp-sup.sock"), "600 socket", "qmp-sup.sock")
  for _, f in ipairs{"status", "pid", "qemu.log", "console.log", "supervisor.log",
                     "live.xml", "id", "sup.lock"} do
    t.eq(mode(rd .. "/" .. f), "600 regular file", f)
  end
  t.eq(mode(run .. "/locks/dom-modes.lock"), "600 regular file", "the domain's lock")
  -- and nothing else under the run dir is open to the group or others
  t.eq(sh("find " .. run .. " -perm /007 ! -type l"), "", "files with other bits")
  t.eq(sh("find " .. run .. " -perm /070 ! -type l ! -path " .. run .. " ! -path " ..
          run .. "/qemu ! -path " .. rd), "", "files with group bits")

  -- root talks to QEMU; nobody is refused before QEMU sees it
  local qmp = rd .. "/qmp.sock"
  t.check(connect(qmp, false):find("connected", 1, true), "root connects to qmp.sock")
  t.eq(connect(qmp, true), "EACCES\n", "nobody connects to qmp.sock")
  t.eq(connect(rd .. "/qmp-sup.sock", true), "EACCES\n", "nobody connects to qmp-sup.sock")
  -- even with the run dirs opened by hand, the socket's own mode refuses
  sh("chmod 755 " .. run .. " " .. run .. "/qemu " .. rd)
  t.eq(connect(qmp, true), "EACCES\n", "nobody, run dirs opened: qmp.sock refuses")
  d:destroy()
end)

t.test("a run dir left 0755 by an older luavirt is made 0700 again", function()
  local run = root .. "/run"
  sh("chmod 755 " .. run .. " " .. run .. "/qemu " .. run .. "/locks")
  local code, out = under_umask0("list --all")
  t.eq(code, 0, "list: " .. out)
  for _, dir in ipairs{run, run .. "/qemu", run .. "/locks"} do
    t.eq(mode(dir), "700 directory", dir)
  end
end)

t.test("a pool's run dir under umask 000 is 0700", function()
  local pdir = root .. "/modepool"
  sh("mkdir -p " .. pdir)
  local code, out = under_umask0("pool-define-as mp dir --target " .. pdir)
  t.eq(code, 0, "pool-define-as: " .. out)
  code, out = under_umask0("pool-start mp")
  t.eq(code, 0, "pool-start: " .. out)
  t.eq(mode(root .. "/run/storage"), "700 directory", "run/storage")
  t.eq(sh("find " .. root .. "/run/storage -perm /077 ! -type l"), "",
    "files with group/other bits")
  under_umask0("pool-destroy mp")
end)

g.cleanup()
t.done()
