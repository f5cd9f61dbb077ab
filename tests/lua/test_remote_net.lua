-- test_remote_net.lua - connections to another host (issue 12): a second
-- "host" is a second state root reached through a real sshd (Debian's
-- openssh-server) that this test starts on 127.0.0.1 inside its own network
-- namespace, with keys it makes; nothing of the machine's own ssh setup is
-- read or written (keyfile= and known_hosts= in the URI, sshd -f).
local g = require("guest")
g.ensure_netns(arg[0])
local t = require("harness")

local sshd = require("sshd")
local remote = require("remote")

local function sh(cmd) return g.sh(cmd) end

if not sshd.available() then
  t.skip("openssh-server is not installed (make deps installs it): remote connections not tested")
  os.exit(t.done())
end

sh("ip link set lo up")
-- the other host has a mount namespace of its own: a directory of this
-- host's (here_only) is an empty tmpfs there, so a file there is not here
local here_only = sh("mktemp -d /tmp/lvhere.XXXXXX"):gsub("%s+$", "")
local mns = sh("unshare --mount --propagation private sleep 3600 >/dev/null 2>&1 & echo $!"):match("%d+")
t.eventually(function()
  return sh("readlink /proc/" .. mns .. "/ns/mnt") ~= sh("readlink /proc/self/ns/mnt")
end, 10)
sh("nsenter -t " .. mns .. " -m mount -t tmpfs tmpfs " .. here_only)
local host = sshd.start{addr = "127.0.0.1", netns = mns, mountns = true}
local dir, root2, port, sshd_log = host.dir, host.root, host.port, host.log
local bin = g.bin
-- a "remote" that speaks the protocol but is another version
g.write(dir .. "/old.lua", [[
local c = require("remote_chan").stdio()
c:recv(5)
c:send(virt.json({hello = "0.0.9"}))
c:recv(5)
]])
g.write(dir .. "/oldluavirt", "#!/bin/sh\nexec " .. bin .. " " .. dir .. "/old.lua\n")
sh("chmod 755 " .. dir .. "/oldluavirt")

local QUERY = host.query
local function uri(extra) return host.uri(extra) end
local URI = uri()

local there = host.cli
local function via(args) return g.cli("-c '" .. URI .. "' " .. args) end

local name = "rmt1"
g.write(dir .. "/rmt1.xml", g.xml(name))

t.test("the CLI through qemu+ssh: same output as on the host itself", function()
  local code, o, e = via("define " .. dir .. "/rmt1.xml")
  t.eq(code, 0, "define through ssh: " .. e)
  t.check(o:find("Domain 'rmt1' defined", 1, true), o)
  local _, here = g.cli("list --all")
  t.check(not here:find(name, 1, true), "not defined on this host")
  for _, cmd in ipairs({"list --all", "dominfo " .. name, "domstate " .. name, "dumpxml " .. name,
      "domuuid " .. name, "list --all --name"}) do
    local c1, o1, e1 = via(cmd)
    local c2, o2 = there(cmd)
    t.eq(c1, c2, cmd .. ": exit status: " .. e1)
    t.eq(o1, o2, cmd .. ": the same output")
  end
  code, o, e = via("start " .. name)
  t.eq(code, 0, "start through ssh: " .. e)
  t.eq(select(2, there("domstate " .. name)), "running\n\n", "running there")
  code, o, e = via("destroy " .. name)
  t.eq(code, 0, "destroy through ssh: " .. e)
  t.eq(select(2, there("domstate " .. name)), "shut off\n\n", "shut off there")
  code, o, e = via("dominfo nosuch")
  local c2, o2, e2 = there("dominfo nosuch")
  t.eq(code, c2, "an unknown name: the same exit status")
  t.eq(e, e2, "and the same error")
  t.check(e:find("nosuch", 1, true), e)
end)

t.test("install and clone --connect, as virt-install and virt-clone take it", function()
  -- a disk that only the other "host" has: checked there, not here
  local disk = root2 .. "/k1.qcow2"
  sh("qemu-img create -q -f qcow2 " .. disk .. " 32M")
  local code, o, e = g.cli(string.format("install --connect '%s' --name rk1 --memory 128 " ..
    "--import --disk %s,bus=virtio --boot 'kernel=%s/vmlinuz,initrd=%s/initrd.img,kernel_args=console=ttyS0' " ..
    "--graphics none --network none --noautoconsole", URI, disk, g.dir, g.dir))
  t.eq(code, 0, "install --connect: " .. e)
  t.check(o:find("Domain creation completed.", 1, true), o)
  t.eq(select(2, there("domstate rk1")), "running\n\n", "running there")
  local x = select(2, there("dumpxml rk1"))
  t.check(x:find("<driver name='qemu' type='qcow2'/>", 1, true), "the disk probed qcow2 there")
  t.eq(select(1, g.cli("dominfo rk1")), 1, "nothing here")
  there("destroy rk1")
  code, o, e = g.cli("clone --connect '" .. URI .. "' -o rk1 -n rk2 --auto-clone")
  t.eq(code, 0, "clone --connect: " .. e)
  t.check(o:find("rk2", 1, true), o)
  local names = select(2, there("list --all --name"))
  t.check(names:find("rk2", 1, true), "the clone is there: " .. names)
  there("undefine rk2 --remove-all-storage")
  there("undefine rk1")
  os.remove(disk)
end)

t.test("console and event run on the other host, over the same ssh", function()
  local code, o, e = via("start " .. name)
  t.eq(code, 0, "start: " .. e)
  -- script(1) gives the command a terminal; Ctrl+] after 3 s
  g.write(dir .. "/typed", "\29")
  local p = io.popen(string.format("(sleep 3; cat %s/typed) | timeout 60 script -qec %s /dev/null; " ..
    "echo rc=$?", dir, remote.shell_quote(bin .. " -c '" .. URI .. "' console " .. name)))
  local out = p:read("a")
  p:close()
  t.check(out:find("Connected to domain 'rmt1'", 1, true), "the console's banner: " .. out)
  t.check(out:find("rc=0", 1, true), "Ctrl+] leaves, exit 0: " .. out:sub(-300))
  -- event waits there for what happens next: the destroy below
  sh("(" .. bin .. " -c '" .. URI .. "' event --all --timeout 60 > " .. dir ..
    "/ev.out 2>&1; echo rc=$? >> " .. dir .. "/ev.out) >/dev/null 2>&1 &")
  -- listening there: the remote luavirt watches its journal (inotify)
  t.eventually(function()
    local pid = sh("pgrep -f '^" .. bin .. " -c qemu:///system event --all'"):match("%d+")
    return pid and sh("ls -l /proc/" .. pid .. "/fd 2>/dev/null"):find("inotify", 1, true)
  end, 20)
  via("destroy " .. name)
  local ev = t.eventually(function()
    local s = g.read(dir .. "/ev.out") or ""
    return s:find("rc=", 1, true) and s
  end, 30) or ""
  t.check(ev:find("event 'lifecycle' for domain 'rmt1': Stopped Destroyed", 1, true),
    "the other host's event: " .. ev)
  t.check(ev:find("rc=0", 1, true), "exit 0")
  code, o, e = via("console nosuch")
  t.eq(code, 1, "an unknown domain there")
  t.check(e:find("nosuch", 1, true), e)
end)

t.test("LUAVIRT_DEFAULT_URI reaches the other host too", function()
  local code, o = g.cli_env("LUAVIRT_DEFAULT_URI='" .. URI .. "'", "list --all --name")
  t.eq(code, 0, "list")
  t.eq(o, name .. "\n\n", "the remote domain")
end)

t.test("the REPL and scripts get the connection as virt", function()
  local code, o, e = g.cli_with("printf 'print(virt.domain(\"rmt1\").state, virt.host)\\n' | " ..
    g.bin .. " -c '" .. URI .. "'")
  t.eq(code, 0, "REPL: " .. e)
  t.check(o:find("shut off\t127.0.0.1", 1, true), "REPL: " .. o)
  g.write(dir .. "/s.lua", "print(#virt.domains{all = true}, virt.uri() == arg[1])\n")
  code, o, e = g.cli("-c '" .. URI .. "' " .. dir .. "/s.lua '" .. URI .. "'")
  t.eq(code, 0, "script: " .. e)
  t.eq(o, "1\ttrue\n", "script: the remote domains")
end)

t.test("virt.connect: the functions and objects of virt, errors as luavirt.error", function()
  local c = virt.connect(URI)
  local names = {}
  for _, d in ipairs(c.domains{all = true}) do names[#names + 1] = d.name end
  t.eq(table.concat(names, ","), name, "c.domains{all=true}")
  local d = c.domain(name)
  t.eq(d.state, "shut off", "a property read there")
  t.eq(d.persistent, true, "persistent")
  t.check(d == c.domain(name), "the same object compares equal")
  t.eq(tostring(d), "domain 'rmt1' (shut off)", "tostring")
  t.eq(d:start(), d, "a method returns the object itself")
  t.eq(d.state, "running", "the state follows")
  local props = {}
  for k, v in pairs(d) do if type(v) ~= "function" then props[k] = v end end
  t.eq(props.name, name, "pairs shows the properties")
  t.check(type(d.start) == "function", "methods")
  t.eq(getmetatable(d).__kind, "domain", "the kind, for help and completion")
  -- a console stream whose read/expect/write run there
  d:wait_console(g.READY, 120)
  local st = d:console_stream()
  t.eq(getmetatable(st).__kind, "console_stream", "a stream of the other host")
  d:console_write("lv-cmd blocks\n")
  t.check(st:expect("LUAVIRT-BLOCKS", 60), "expect over the connection")
  st:close()
  t.eq(c.find_domain("nosuch"), nil, "find_domain: nil")
  t.raises("no-domain", {"nosuch"}, function() return c.domain("nosuch") end)
  t.raises("invalid", {}, function() return d:destroy{bogus = 1} end)
  t.eq(type(c.json({1})), "string", "json is the local one")
  d:destroy()
  t.eq(d.state, "shut off", "destroyed")
  t.eq(c.uri(), URI, "c.uri()")
  local snaps = d:snapshots()
  t.eq(#snaps, 0, "d:snapshots()")
  c.close()
  t.raises("connect", {"closed"}, function() return c.domains{} end)
end)

t.test("callbacks cross the connection: progress, events and the loop, d:console()", function()
  local c = virt.connect(URI)
  -- a clone's progress, called here as the copy goes there
  local disk = dir .. "/rmtp.qcow2"
  sh("qemu-img create -q -f qcow2 " .. disk .. " 64M && qemu-io -f qcow2 -c 'write 0 8M' " ..
    disk .. " >/dev/null")
  c.define_domain((g.xml("rmtp"):gsub("</devices>", "<disk type='file' device='disk'>" ..
    "<driver name='qemu' type='qcow2'/><source file='" .. disk .. "'/><target dev='vda' " ..
    "bus='virtio'/></disk></devices>")))
  local pcts = {}
  local d2 = c.clone{original = "rmtp", name = "rmtp2", auto = true,
    progress = function(target, pct) pcts[#pcts + 1] = string.format("%s=%d", target, pct) end}
  t.eq(d2.name, "rmtp2", "cloned there")
  t.check(#pcts > 0 and pcts[#pcts] == "vda=100", "progress called here: " ..
    table.concat(pcts, " "))
  local copy = d2:xml():match("<source file='([^']+)'")
  d2:undefine()
  os.remove(copy)
  c.domain("rmtp"):undefine()
  -- lifecycle events there, their callbacks here; a callback calls back
  -- into the connection (a property, quit_loop)
  local seen, mine = {}, {}
  c.on("lifecycle", function(ev)
    seen[#seen + 1] = ev.event .. ":" .. ev.domain.state
    if ev.event == "Stopped" then c.quit_loop() end
  end)
  local d = c.domain(name)
  t.eq(d:on("lifecycle", function(ev) mine[#mine + 1] = ev.event end), d, "d:on gives d")
  d:start()
  d:destroy()
  local heard = c.loop{timeout = 30}
  t.check(heard >= 2, "the loop there heard them: " .. tostring(heard))
  t.eq(seen[1], "Started:shut off", "started (the guest is gone by the time it is told)")
  t.eq(seen[#seen], "Stopped:shut off", "then stopped, and quit_loop ended the loop")
  t.eq(table.concat(mine, ","), "Started,Stopped", "d:on heard its own")
  local evs = c.events{domain = name}
  t.check(#evs >= 2 and evs[#evs].event == "Stopped", "c.events{}: the journal there")
  c.off()
  t.eq(c.loop{timeout = 0.2}, 0, "off: nothing heard")
  -- an error in a callback is the script's: it reaches the loop's caller
  c.on("lifecycle", function() error("boom in the callback") end)
  d:start()
  t.raises("internal", {"boom in the callback"}, function() return c.loop{timeout = 30} end)
  c.off()
  d:wait_console(g.READY, 120)
  c.close()
  -- d:console() of a remote guest: this terminal on its console there
  g.write(dir .. "/keys", "lv-cmd blocks\r")
  local p = io.popen(string.format("(sleep 2; cat %s/keys; sleep 4; printf '\\035') | " ..
    "timeout 60 script -qec %s /dev/null; echo rc=$?", dir, remote.shell_quote(bin ..
    " -c '" .. URI .. "' -e 'virt.domain(\"" .. name .. "\"):console()'")))
  local out = p:read("a")
  p:close()
  t.check(out:find("LUAVIRT-BLOCKS", 1, true), "typed there, answered here: " .. out:sub(-400))
  t.check(out:find("rc=0", 1, true), "Ctrl+] leaves: " .. out:sub(-200))
  via("destroy " .. name)
end)

t.test("vol-upload and vol-download: this host's file, over the connection", function()
  local pdir = root2 .. "/rpool"
  sh("mkdir -m 711 " .. pdir)
  local code, _, e = via("pool-create-as rp dir --target " .. pdir)
  t.eq(code, 0, "a pool there: " .. e)
  code, _, e = via("vol-create-as rp v1 4M --format raw")
  t.eq(code, 0, "a volume there: " .. e)
  -- a file only this host has: 1 MiB of data, 2 MiB of zeros, a tail
  local src = here_only .. "/data.bin"
  local data = {}
  for i = 1, 4096 do data[i] = string.pack("<I4", i * 2654435761 % 4294967296) end
  local body = string.rep(table.concat(data), 64) .. string.rep("\0", 2 * 1048576) .. "tail"
  g.write(src, body)
  t.eq(sh("nsenter -t " .. mns .. " -m ls " .. src .. " 2>&1"):find("No such file", 1, true) ~= nil,
    true, "the other host has no such file")
  code, _, e = via("vol-upload v1 " .. src .. " --pool rp")
  t.eq(code, 0, "vol-upload through ssh: " .. e)
  t.eq(g.read(pdir .. "/v1"):sub(1, #body), body, "the volume there holds this host's file")
  local back = here_only .. "/back.bin"
  code, _, e = via("vol-download v1 " .. back .. " --pool rp")
  t.eq(code, 0, "vol-download through ssh: " .. e)
  t.eq(g.read(back), g.read(pdir .. "/v1"), "the volume, here, byte for byte")
  local blocks = tonumber(sh("stat -c %b " .. back):match("%d+"))
  t.check(blocks * 512 < 3 * 1048576, "its zeros stayed holes: " .. blocks * 512 .. " bytes")
  code, _, e = via("vol-upload v1 " .. src .. " --pool rp --offset 1048576 --length 16")
  t.eq(code, 0, "an offset and a length: " .. e)
  t.eq(g.read(pdir .. "/v1"):sub(1048577, 1048592), body:sub(1, 16), "16 bytes at 1 MiB")
  -- bad input: a missing file here, a file too big for the volume
  code, _, e = via("vol-upload v1 " .. here_only .. "/nosuch --pool rp")
  t.eq(code, 1, "a missing file")
  t.check(e:find("nosuch", 1, true) and e:find("No such file", 1, true), e)
  g.write(here_only .. "/big.bin", string.rep("x", 5 * 1048576))
  code, _, e = via("vol-upload v1 " .. here_only .. "/big.bin --pool rp")
  t.eq(code, 1, "too big")
  t.check(e:find("do not fit", 1, true), e)
  -- the Lua API: progress here, false stops it
  local c = virt.connect(URI)
  local v = c.volume(pdir .. "/v1")
  local seen = {}
  v:download(back, {progress = function(done, total) seen[#seen + 1] = done .. "/" .. total end})
  t.eq(seen[#seen], "4194304/4194304", "progress of the download: " .. table.concat(seen, " "))
  t.raises("invalid", {"cancelled"}, function()
    return v:upload(src, {progress = function() return false end})
  end)
  c.close()
  via("vol-delete v1 --pool rp")
  via("pool-destroy rp")
  via("pool-undefine rp")
end)

local function ssh_children()
  local me = g.read("/proc/self/stat"):match("^(%d+)")
  local n = 0
  for pid in sh("ls /proc"):gmatch("%d+") do
    local f = io.open("/proc/" .. pid .. "/stat")
    local st = f and f:read("l") or ""
    if f then f:close() end
    local comm, ppid = st:match("^%d+ %((.-)%) %a (%d+)")
    if comm == "ssh" and ppid == me then n = n + 1 end
  end
  return n
end

t.test("recipes on a connection: batch across hosts", function()
  local c = virt.connect(URI)
  local d2 = c.clone{original = name, name = "rmtc", auto = true}
  t.eq(d2.name, "rmtc", "c.clone made it")
  t.check(select(2, there("list --all --name")):find("rmtc", 1, true), "there")
  t.eq(virt.find_domain("rmtc"), nil, "not here")
  local rows = c.batch.start{name = "rmt*", jobs = 2}
  t.eq(#rows, 2, "c.batch.start: two rows")
  for _, r in ipairs(rows) do t.eq(r.state, "running", r.name .. " started: " .. tostring(r.error)) end
  -- two "hosts" side by side (here: the same one twice, two connections)
  local res = virt.parallel({1, 2}, function()
    local cx = virt.connect(URI)
    local n = #cx.domains{running = true}
    cx.close()
    return n
  end)
  t.eq(res[1].value, 2, "parallel over connections: " .. tostring(res[1].error))
  t.eq(res[2].value, 2, "both")
  rows = c.batch.destroy{name = "rmt*"}
  t.eq(#rows, 2, "c.batch.destroy")
  c.domain("rmtc"):undefine()
  c.close()
end)

t.test("one ssh per connection, reused by every call", function()
  local before = ssh_children()
  local c = virt.connect(URI)
  for _ = 1, 20 do c.domains{} ; c.domain(name):info() end
  t.eq(ssh_children() - before, 1, "one ssh for 40 calls")
  c.close()
  t.eq(ssh_children() - before, 0, "and none after close")
end)

t.test("virt.parallel: two connections answer side by side", function()
  local out = virt.parallel({1, 2, 3}, function(i)
    local c = virt.connect(URI)
    local s = c.domain(name).state
    c.close()
    return i .. s
  end)
  t.eq(#out, 3, "three results")
  for i = 1, 3 do t.eq(out[i].value, i .. "shut off", "task " .. i .. ": " .. tostring(out[i].error)) end
end)

t.test("bad input: clear errors naming the host, quickly", function()
  local t0 = virt.now()
  t.raises("connect", {"127.0.0.1"}, function()
    return virt.connect("qemu+ssh://root@127.0.0.1:" .. (port + 1) .. "/system?" .. QUERY ..
      "&control=0&timeout=3")
  end)
  t.check(virt.now() - t0 < 10, "an unreachable port fails within the timeout")
  t.raises("connect", {"127.0.0.1", "Permission denied"}, function()
    return virt.connect((uri():gsub("client_key", "other_key")))
  end)
  t.raises("connect", {"127.0.0.1", "/nonexistent/luavirt: No such file"}, function()
    return virt.connect("qemu+ssh://root@127.0.0.1:" .. port .. "/system?" .. QUERY ..
      "&control=0&command=/nonexistent/luavirt")
  end)
  t.raises("connect", {"127.0.0.1", "0.0.9", "same version"}, function()
    return virt.connect("qemu+ssh://root@127.0.0.1:" .. port .. "/system?" .. QUERY ..
      "&control=0&command=" .. dir .. "/oldluavirt")
  end)
  t.raises("invalid", {"bad host"}, function() return virt.connect("qemu+ssh://-oProxyCommand=x/system") end)
  t.raises("invalid", {"command="}, function()
    return virt.connect("qemu+ssh://h/system?command=luavirt;reboot")
  end)
  t.raises("invalid", {"unknown parameter 'socket2'"}, function()
    return virt.connect("qemu+ssh://h/system?socket2=x")
  end)
  t.raises("unsupported", {"qemu+tcp"}, function() return virt.connect("qemu+tcp://h/system") end)
  local code, _, e = g.cli("-c 'qemu+ssh://root@127.0.0.1:" .. (port + 1) .. "/system?" .. QUERY ..
    "&control=0&timeout=3' list")
  t.eq(code, 1, "the CLI exits 1")
  t.check(e:find("error: connection to '127.0.0.1'", 1, true), e)
end)

t.test("later commands reuse the first one's connection (a relay of the user's)", function()
  local xdg = dir .. "/xdg"
  sh("mkdir -m 700 " .. xdg)
  local u = uri("")
  local env = "XDG_RUNTIME_DIR=" .. xdg
  local function logins()
    return tonumber(sh("grep -c 'Accepted publickey' " .. sshd_log .. " 2>/dev/null"):match("%d+") or "0")
  end
  local n0 = logins()
  local code, o = g.cli_env(env, "-c '" .. u .. "' list --all --name")
  t.eq(code, 0, "first command")
  t.eq(o, name .. "\n\n", "its output")
  local files = sh("ls " .. xdg .. "/luavirt-ssh-0/ 2>/dev/null")
  t.check(files:find("r%-%x+%.sock"), "the relay's socket: " .. files)
  t.eq(sh("stat -c %a " .. xdg .. "/luavirt-ssh-0"):gsub("%s+$", ""), "700", "in a 0700 directory")
  local sock = files:match("(r%-%x+%.sock)")
  t.eq(sh("stat -c %a " .. xdg .. "/luavirt-ssh-0/" .. sock):gsub("%s+$", ""), "600", "mode 0600")
  local n1 = logins()
  t.eq(n1 - n0, 1, "one ssh login")
  local t0 = virt.now()
  for _ = 1, 5 do
    code, o = g.cli_env(env, "-c '" .. u .. "' list --all --name")
    t.eq(code, 0, "later command")
    t.eq(o, name .. "\n\n", "the same output")
  end
  t.eq(logins(), n1, "no new ssh login: the connection was reused")
  -- callbacks go through the relay too: a script's event loop
  g.write(dir .. "/ev.lua", [[
virt.on("lifecycle", function(ev)
  print(ev.name, ev.event, ev.domain.state)
  if ev.event == "Stopped" then virt.quit_loop() end
end)
local d = virt.domain(arg[1])
d:start()
d:destroy()
print(virt.loop{timeout = 30})
]])
  code, o = g.cli_env(env, "-c '" .. u .. "' " .. dir .. "/ev.lua " .. name)
  t.eq(code, 0, "an event loop through the relay")
  t.eq(o, name .. "\tStarted\tshut off\n" .. name .. "\tStopped\tshut off\n2\n",
    "its callbacks ran here: " .. o)
  code, o = g.cli_env(env, "-c '" .. u .. "' list --all --name")
  t.eq(o, name .. "\n\n", "and the relay goes on serving")
  -- a client that goes away inside a callback: the call there ends, the
  -- relay serves the next one
  g.write(dir .. "/ev2.lua", [[
virt.on("lifecycle", function() os.exit(3) end)
virt.domain(arg[1]):start()
virt.loop{timeout = 30}
]])
  code = g.cli_env(env, "-c '" .. u .. "' " .. dir .. "/ev2.lua " .. name)
  t.eq(code, 3, "gone in its callback")
  code, o = g.cli_env(env, "-c '" .. u .. "' list --name")
  t.eq(o, name .. "\n\n", "the next command is served: " .. o)
  t.eq(logins(), n1, "by the same relay")
  g.cli_env(env, "-c '" .. u .. "' destroy " .. name)
  t.check((virt.now() - t0) / 5 < 1, "and fast: " .. string.format("%.0f ms each", (virt.now() - t0) * 200))
  -- a relay serves its user only: another uid is refused by the socket's
  -- mode and by its peer check (nobody cannot even reach the directory)
  local other = sh("setpriv --reuid=65534 --regid=65534 --clear-groups " .. bin ..
    " -c '" .. u .. "' list 2>&1; echo rc=$?")
  t.check(not other:find(name, 1, true), "nobody sees nothing through it: " .. other)
  -- a relay whose host is gone: the next command says so and goes direct
  sh("pkill -f '__relay qemu[+]ssh://root@127.0.0.1:" .. port .. "/'")
  code, o = g.cli_env(env, "-c '" .. u .. "' list --all --name")
  t.eq(code, 0, "after the relay died: " .. o)
  sh("pkill -f '__relay qemu[+]ssh://root@127.0.0.1:" .. port .. "/'")
  sh("for s in " .. xdg .. "/luavirt-ssh-0/*; do ssh -o ControlPath=$s -O exit x >/dev/null 2>&1; done")
end)

-- cleanup: the remote domain, sshd, the dirs
sh(bin .. " -c '" .. URI .. "' undefine " .. name .. " >/dev/null 2>&1")
host.stop()
sh("kill " .. mns)
sh("rm -rf " .. here_only)
os.exit(t.done())
