-- test_devices.lua - device classes beyond the test template, end to end
-- with real QEMU under TCG: each definition here is libvirt XML a client
-- writes, it must define, format back the same, start, and QEMU must have
-- the devices (checked over QMP) while the guest boots to its marker.
local t = require("harness")
local g = require("guest")

local tmp = g.root .. "/devtest"
os.execute("mkdir -p " .. tmp)

-- The test guest with extra devices (and optional top-level elements
-- before <os>, e.g. <memoryBacking>); opts as for g.xml.
local function xml_with(name, devices, opts)
  opts = opts or {}
  local x = g.xml(name, opts)
  x = x:gsub("</devices>", function() return devices .. "\n  </devices>" end)
  if opts.top then
    x = x:gsub("  <os>", function() return opts.top .. "\n  <os>" end, 1)
  end
  if opts.cpu then
    x = x:gsub("  <on_poweroff>", function() return opts.cpu .. "\n  <on_poweroff>" end, 1)
  end
  return x
end

-- define, check the XML keeps every element, start, wait for the marker;
-- returns the running domain
local function boot(name, devices, opts)
  local d = virt.define_domain(xml_with(name, devices, opts))
  for _, elem in ipairs(opts and opts.keeps or {}) do
    t.check(d:xml{inactive = true}:find(elem, 1, true), name .. ": dumpxml keeps " .. elem)
  end
  d:start()
  t.eq(d.state, "running", name .. ": running")
  d:wait_console(g.READY, 90)
  return d
end

local function stop(d)
  d:destroy()
  d:undefine()
end

-- Send an lv-cmd to the guest and return its answer line (from prefix on),
-- once the whole line is in the console log.
local ask = g.ask

-- QEMU's chardevs by label -> filename
local function chardevs(d)
  local m = {}
  for _, c in ipairs(d:qmp("query-chardev")) do m[c.label] = c.filename end
  return m
end

t.test("chardev backends and guestfwd start with the backends libvirt gives", function()
  os.execute("mkfifo " .. tmp .. "/pipe.in " .. tmp .. "/pipe.out")
  local devices = string.format([[
    <channel type='null'><target type='virtio' name='c.null'/>
      <log file='%s/null.log' append='off'/></channel>
    <channel type='vc'><target type='virtio' name='c.vc'/></channel>
    <channel type='file'><source path='%s/out.txt'/><target type='virtio' name='c.file'/></channel>
    <channel type='pipe'><source path='%s/pipe'/><target type='virtio' name='c.pipe'/></channel>
    <channel type='unix'><source mode='bind' path='%s/listen.sock'/>
      <target type='virtio' name='c.unix'/></channel>
    <channel type='unix'><source mode='connect' path='%s/nobody.sock'>
      <reconnect enabled='yes' timeout='5'/></source>
      <target type='virtio' name='c.unixc'/></channel>
    <channel type='tcp'><source mode='bind' host='127.0.0.1' service='0'/>
      <protocol type='telnet'/><target type='virtio' name='c.tcp'/></channel>
    <channel type='udp'><source mode='bind' host='127.0.0.1' service='0'/>
      <source mode='connect' host='127.0.0.1' service='9'/>
      <target type='virtio' name='c.udp'/></channel>
    <channel type='qemu-vdagent'><source><clipboard copypaste='no'/>
      <mouse mode='server'/></source><target type='virtio' name='c.vdagent'/></channel>
    <channel type='dbus'><source channel='org.luavirt.test'/>
      <target type='virtio' name='c.dbus'/></channel>
    <channel type='unix'><source mode='bind' path='%s/fwd.sock'/>
      <target type='guestfwd' address='10.0.2.1' port='4600'/></channel>
    <channel type='stdio'><target type='virtio' name='c.stdio'/></channel>
    <channel type='spiceport'><source channel='org.luavirt.port'/>
      <target type='virtio' name='c.spiceport'/></channel>
    <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
    <graphics type='spice' autoport='yes'/>]],
    tmp, tmp, tmp, tmp, tmp, tmp)
  local d = boot("chr", devices, {keeps = {"<reconnect enabled='yes' timeout='5'/>",
    "<source mode='connect' host='127.0.0.1' service='9'/>",
    "<clipboard copypaste='no'/>", "<target type='guestfwd' address='10.0.2.1' port='4600'/>"}})
  local c = chardevs(d)
  t.eq(c.charchannel0, "null", "null backend")
  t.check(c.charchannel2 and c.charchannel2:find("file", 1, true), "file backend: " .. tostring(c.charchannel2))
  t.check(c.charchannel3 and c.charchannel3:find("pipe", 1, true), "pipe backend: " .. tostring(c.charchannel3))
  t.check(c.charchannel4 and c.charchannel4:find("listen.sock", 1, true) and
    c.charchannel4:find("server", 1, true), "unix listening: " .. tostring(c.charchannel4))
  t.check(c.charchannel5 ~= nil, "unix connect with reconnect starts without a peer")
  t.check(c.charchannel6 and c.charchannel6:find("telnet:127.0.0.1", 1, true),
    "tcp telnet listening: " .. tostring(c.charchannel6))
  t.check(c.charchannel7 == "udp",
    "udp connect end: " .. tostring(c.charchannel7))
  t.check(c.charchannel8 ~= nil and c.charchannel9 ~= nil, "vdagent and dbus chardevs")
  t.check(c.charchannel10 and c.charchannel10:find("fwd.sock", 1, true), "guestfwd chardev")
  t.check(c.charchannel11 ~= nil and c.charchannel12 ~= nil and c.charchannel13 ~= nil,
    "stdio, spiceport and spicevmc chardevs")
  -- the guestfwd chardev is a real listening socket
  t.check(g.sh("test -S " .. tmp .. "/fwd.sock && echo sock"):find("sock", 1, true),
    "guestfwd socket exists")
  stop(d)
end)

t.test("redirdev: USB redirection over SPICE and TCP, as virt-install writes it", function()
  local devices = [[
    <graphics type='spice' autoport='yes'><listen type='address'/></graphics>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <input type='tablet' bus='usb'/>
    <redirdev bus='usb' type='spicevmc'/>
    <redirdev bus='usb' type='spicevmc'/>
    <redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='9'>
      <reconnect enabled='yes' timeout='10'/></source></redirdev>]]
  local d = boot("redir", devices, {keeps = {"<redirdev bus='usb' type='spicevmc'/>",
    "<redirdev bus='usb' type='tcp'>"}})
  local c = chardevs(d)
  t.check(c.charredir0 and c.charredir0:find("spicevmc", 1, true), "spicevmc chardev: " ..
    tostring(c.charredir0))
  t.check(c.charredir2 ~= nil, "tcp chardev")
  for i = 0, 2 do
    local props = d:qmp("qom-list", {path = "/machine/peripheral/redir" .. i})
    local names = {}
    for _, p in ipairs(props) do names[p.name] = true end
    t.check(names.chardev and names.port, "usb-redir redir" .. i .. " in QEMU")
  end
  stop(d)
  -- no USB controller: refused at define (what start would refuse), the
  -- element named, nothing defined
  local x = xml_with("noredir", "<controller type='usb' model='none'/>" ..
    "<graphics type='spice' autoport='yes'/><redirdev bus='usb' type='spicevmc'/>")
  t.raises("invalid", {"noredir", "redirdev 0", "USB controller"},
    function() virt.define_domain(x) end)
  t.eq(virt.find_domain("noredir"), nil, "nothing defined")
end)

t.test("panic: a guest kernel panic is reported and on_crash applies", function()
  local d = boot("pan", "<panic model='isa'><address type='isa' iobase='0x505'/></panic>",
    {cmdline = "lv.panic=1", keeps = {"<panic model='isa'>"}})
  d:wait{state = "shut off", timeout = 60}
  t.eq(d.state, "shut off", "destroyed on crash")
  t.eq(select(2, d:state_reason()), "crashed", "reason")
  d:undefine()
end)

t.test("NUMA cells: the guest sees the nodes, CPUs, sizes and distances", function()
  local cpu = [[
  <cpu>
    <topology sockets='2' dies='1' cores='1' threads='1'/>
    <numa>
      <cell id='0' cpus='0' memory='96' unit='MiB'>
        <distances><sibling id='0' value='10'/><sibling id='1' value='21'/></distances>
      </cell>
      <cell id='1' cpus='1' memory='64' unit='MiB' memAccess='shared'/>
    </numa>
  </cpu>]]
  local x = xml_with("numa", "", {cpu = cpu,
    top = "<memoryBacking><source type='memfd'/><allocation mode='immediate' " ..
      "threads='2'/></memoryBacking>" ..
      "<numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune>"})
  x = x:gsub("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static'>2</vcpu>")
  local d = virt.define_domain(x)
  local inactive = d:xml{inactive = true}
  t.check(inactive:find("<sibling id='1' value='21'/>", 1, true) and
    inactive:find("memAccess='shared'", 1, true) and
    inactive:find("<memnode cellid='0' mode='strict' nodeset='0'/>", 1, true),
    "dumpxml keeps <numa> and <numatune>")
  t.eq(d:definition().cpu.numa[2].memory, 65536, "table form: cell memory in KiB")
  d:start()
  d:wait_console(g.READY, 120)
  local a = ask(d, "lv-cmd numa", "LUAVIRT-NUMA")
  local n0cpu, n0mem, n0dist = a:match("node0:([^:]*):(%d+):(%S+)")
  local n1cpu, n1mem, n1dist = a:match("node1:([^:]*):(%d+):(%S+)")
  t.eq(n0cpu, "0", "node0 cpus: " .. a)
  t.eq(n1cpu, "1", "node1 cpus")
  t.eq(n0dist, "10,21", "node0 distances")
  t.eq(n1dist, "21,10", "node1 distances (mirrored)")
  -- at most the cell's 64 MiB (the kernel keeps some for itself, and the
  -- initrd sits at the top of RAM)
  t.check(tonumber(n1mem or 0) > 16 * 1024 and tonumber(n1mem) <= 64 * 1024,
    "node1 has at most 64 MiB: " .. tostring(n1mem))
  t.check(tonumber(n0mem or 0) > tonumber(n1mem or 0), "node0 is the bigger one")
  local mem = {}
  for _, m in ipairs(d:qmp("query-memdev")) do mem[m.id] = m end
  t.check(mem["ram-node0"] and mem["ram-node0"].policy == "bind" and
    mem["ram-node0"]["host-nodes"][1] == 0, "cell 0 bound to host node 0")
  t.check(mem["ram-node1"] and mem["ram-node1"].share == true, "cell 1 shared")
  t.check(mem["ram-node0"] and mem["ram-node0"].prealloc == true, "allocation immediate")
  local qom = d:qmp("qom-get", {path = "/objects/ram-node1", property = "type"})
  t.eq(qom, "memory-backend-memfd", "source type memfd")
  stop(d)
end)

t.test("hugepages: guest memory from the host's hugetlbfs", function()
  local want = 96          -- 2 MiB pages for a 160 MiB guest, with room
  local before = tonumber(g.read("/proc/sys/vm/nr_hugepages"))
  local mnt = tmp .. "/huge"
  os.execute("mkdir -p " .. mnt)
  g.write("/proc/sys/vm/nr_hugepages", tostring(before + want))
  local got = tonumber(g.read("/proc/sys/vm/nr_hugepages"))
  if got < before + want then
    g.write("/proc/sys/vm/nr_hugepages", tostring(before))
    t.skip("the host kernel gave " .. (got - before) .. " of " .. want ..
      " huge pages (memory fragmented)")
    return
  end
  local mounted = os.execute("mount -t hugetlbfs -o pagesize=2M none " .. mnt)
  local ok, err = pcall(function()
    t.check(mounted, "mount hugetlbfs")
    local d = boot("huge", "", {memory = 160, keeps = {"<hugepages>"},
      top = "<memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages>" ..
            "<locked/></memoryBacking>"})
    local mem = d:qmp("query-memdev")
    t.check(#mem == 1 and mem[1].id == "pc.ram" and mem[1].prealloc == true,
      "one preallocated backend for the RAM")
    local free = tonumber(g.read("/proc/meminfo"):match("HugePages_Free:%s+(%d+)"))
    t.check(free <= got - 80, "the guest took 80 huge pages: " .. free .. " free of " .. got)
    stop(d)
  end)
  os.execute("umount " .. mnt)
  g.write("/proc/sys/vm/nr_hugepages", tostring(before))
  t.check(ok, tostring(err))
  -- without a mount: refused at start, naming the page size
  local d = virt.define_domain(xml_with("nohuge", "", {top =
    "<memoryBacking><hugepages><page size='1' unit='GiB'/></hugepages></memoryBacking>"}))
  t.raises("invalid", {"no hugetlbfs is mounted for 1048576 KiB pages"}, function() d:start() end)
  d:undefine()
end)

t.test("network disks and backing chains: nbd, and a chain through nbd", function()
  local base, mid, top, data = tmp .. "/base.raw", tmp .. "/mid.qcow2", tmp .. "/top.qcow2",
    tmp .. "/data.raw"
  local s1, s2 = tmp .. "/nbd1.sock", tmp .. "/nbd2.sock"
  g.sh("qemu-img create -q -f raw " .. base .. " 1M && qemu-img create -q -f raw " .. data ..
    " 1M")
  g.sh("printf 'hello-base\\n' | dd of=" .. base .. " conv=notrunc 2>/dev/null")
  g.sh("printf 'hello-nbd\\n' | dd of=" .. data .. " conv=notrunc 2>/dev/null")
  g.sh("qemu-img create -q -f qcow2 -b " .. base .. " -F raw " .. mid)
  -- the top's header names no usable backing file: only the chain of the
  -- definition can make its content show through
  g.sh("qemu-img create -q -f qcow2 -u -b /nonexistent -F raw " .. top .. " 1M")
  local out = g.sh("qemu-nbd --fork --pid-file " .. tmp .. "/nbd1.pid -k " .. s1 ..
    " -r -f qcow2 " .. mid .. " && qemu-nbd --fork --pid-file " .. tmp .. "/nbd2.pid -k " ..
    s2 .. " -f raw " .. data)
  t.eq(out, "", "qemu-nbd started")
  local devices = string.format([[
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%s'/>
      <backingStore type='network'>
        <format type='raw'/>
        <source protocol='nbd'><host transport='unix' socket='%s'/></source>
        <backingStore/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='nbd'><host transport='unix' socket='%s'/></source>
      <target dev='vdb' bus='virtio'/>
    </disk>]], top, s1, s2)
  local d = boot("nbd", devices, {keeps = {"<host transport='unix' socket='" .. s1 .. "'/>",
    "<backingStore/>"}})
  local def = d:definition()
  t.eq(def.disks[1].backing[1].type, "network", "table form: the layer")
  t.eq(def.disks[1].backing_end, true, "table form: the chain's end")
  t.eq(ask(d, "lv-cmd read vda", "LUAVIRT-READ"), "LUAVIRT-READ vda hello-base",
    "the chain: top -> nbd layer -> base")
  t.eq(ask(d, "lv-cmd read vdb", "LUAVIRT-READ"), "LUAVIRT-READ vdb hello-nbd", "nbd disk")
  t.eq(ask(d, "lv-cmd write vdb nbd-write", "LUAVIRT-WROTE"), "LUAVIRT-WROTE vdb nbd-write",
    "write to nbd")
  t.eq(ask(d, "lv-cmd write vda top-write", "LUAVIRT-WROTE"), "LUAVIRT-WROTE vda top-write",
    "write to the top")
  stop(d)
  t.check(g.read(data):sub(1, 10) == "nbd-write\n", "the nbd export got the write")
  t.check(g.read(base):sub(1, 11) == "hello-base\n", "the base was not written")
  for _, p in ipairs({"/nbd1.pid", "/nbd2.pid"}) do
    local pid = g.read(tmp .. p):match("%d+")
    if pid then os.execute("kill " .. pid) end
  end
end)

t.done()
