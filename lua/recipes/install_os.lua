-- install_os.lua - the --os-variant table of the install recipe: OS names
-- -> a family, and per family the machine type, disk and NIC buses and the
-- devices virt-install 4 (libosinfo) adds for it. Not libosinfo: a small
-- table that gives the same defaults for the common cases.
--
--   family   machine  disk    cdrom  NIC      video   extra devices
--   generic  pc       ide     ide    e1000    vga     usb (ich9 ehci/uhci), tablet
--   linux    q35      virtio  sata   virtio   virtio  usb qemu-xhci, 14 pcie-root-ports,
--                                                     guest agent channel, balloon, rng
--   windows  q35      sata    sata   e1000e   vga     usb qemu-xhci, 14 pcie-root-ports,
--                                                     hyperv features, clock localtime
-- Names: generic; linux2016/2018/2020/2022, debianN, ubuntuYY.MM, fedoraN,
-- rhelN[.M], centosN/centos-streamN, almalinuxN, rockyN, alpinelinux3.N,
-- archlinux, opensuse*, sles*: linux; win7/win8/win8.1/win10/win11,
-- win2k12/2k16/2k19/2k22: windows. No --os-variant: generic, as virt-install
-- falls back to when it cannot detect the OS.
local M = {}

M.FAMILIES = {
  generic = {machine = "pc", disk_bus = "ide", cdrom_bus = "ide", nic_model = "e1000",
    video = "vga"},
  linux = {machine = "q35", disk_bus = "virtio", cdrom_bus = "sata", nic_model = "virtio",
    video = "virtio", q35 = true, agent = true, balloon = true, rng = true},
  windows = {machine = "q35", disk_bus = "sata", cdrom_bus = "sata", nic_model = "e1000e",
    video = "vga", q35 = true, hyperv = true, localtime = true},
}

-- name pattern -> family, and how libosinfo's id for it is made (the
-- <libosinfo:os id=...> virt-install writes into <metadata>).
local PATTERNS = {
  {"^generic$", "generic"},
  {"^linux(20%d%d)$", "linux", "http://libosinfo.org/linux/%s"},
  {"^debian(%d+)$", "linux", "http://debian.org/debian/%s"},
  {"^ubuntu(%d%d%.%d%d)$", "linux", "http://ubuntu.com/ubuntu/%s"},
  {"^fedora(%d+)$", "linux", "http://fedoraproject.org/fedora/%s"},
  {"^rhel(%d+[%.%d]*)$", "linux", "http://redhat.com/rhel/%s"},
  {"^centos%-stream(%d+)$", "linux", "http://centos.org/centos-stream/%s"},
  {"^centos(%d+[%.%d]*)$", "linux", "http://centos.org/centos/%s"},
  {"^almalinux(%d+)$", "linux", "http://almalinux.org/almalinux/%s"},
  {"^rocky(%d+)$", "linux", "http://rockylinux.org/rocky/%s"},
  {"^alpinelinux(%d+%.%d+)$", "linux", "http://alpinelinux.org/alpinelinux/%s"},
  {"^archlinux$", "linux", "http://archlinux.org/archlinux/rolling"},
  {"^opensuse", "linux"},
  {"^sles", "linux"},
  {"^win(%d+%.?%d*)$", "windows", "http://microsoft.com/win/%s"},
  {"^win2k(%d+)$", "windows", "http://microsoft.com/win/2k%s"},
}

M.DEFAULT = "generic"

-- The family table and libosinfo id (or nil) of an OS name; nil and a
-- message for a name the table does not know.
function M.lookup(name)
  for _, p in ipairs(PATTERNS) do
    local cap = name:match(p[1])
    if cap then
      local id = p[3] and (p[3]:find("%s", 1, true) and p[3]:format(cap) or p[3]) or nil
      return M.FAMILIES[p[2]], id, p[2]
    end
  end
  return nil, string.format("unknown OS '%s' (known: generic, linux2016..linux2022, " ..
    "debianN, ubuntuYY.MM, fedoraN, rhelN, centosN, almalinuxN, rockyN, " ..
    "alpinelinux3.N, archlinux, opensuse*, sles*, winN, win2kNN)", name)
end

-- The devices and platform parts a family adds to the domain table t
-- (virt-install's defaults for the OS): controllers, clock, pm, features,
-- channel, balloon, rng; graphical ones only when there is a display.
function M.apply(fam, t, graphical)
  t.features = {"acpi", "apic"}
  if fam.hyperv then
    t.features[3] = {name = "hyperv", inner_xml =
      "<relaxed state='on'/><vapic state='on'/><spinlocks state='on' retries='8191'/>"}
  end
  t.clock = {offset = fam.localtime and "localtime" or "utc", timers = {
    {name = "rtc", tickpolicy = "catchup"}, {name = "pit", tickpolicy = "delay"},
    {name = "hpet", present = "no"}}}
  if fam.hyperv then
    table.insert(t.clock.timers, {name = "hypervclock", present = "yes"})
  end
  t.pm = {suspend_to_mem = false, suspend_to_disk = false}
  local c = {}
  if fam.q35 then
    c[#c + 1] = {type = "usb", model = "qemu-xhci", attrs = {ports = "15"}}
    c[#c + 1] = {type = "pci", model = "pcie-root"}
    for _ = 1, 14 do c[#c + 1] = {type = "pci", model = "pcie-root-port"} end
  elseif graphical then
    -- EHCI with its three UHCI companions, each taking two of its ports
    c[#c + 1] = {type = "usb", model = "ich9-ehci1"}
    for i = 1, 3 do
      c[#c + 1] = {type = "usb", model = "ich9-uhci" .. i,
        extra_xml = {string.format("<master startport='%d'/>", (i - 1) * 2)}}
    end
  end
  t.controllers = c
  t.consoles = {{type = "pty"}}
  if fam.agent then
    t.channels = {{type = "unix", source_mode = "bind", target_type = "virtio",
      target_name = "org.qemu.guest_agent.0"}}
  end
  if graphical then
    t.inputs = {{type = "tablet", bus = "usb"}}
    t.videos = {{model = fam.video}}
  end
  if fam.balloon then t.memballoon = {model = "virtio"} end
  if fam.rng then
    t.rngs = {{model = "virtio", backend_model = "random", backend_path = "/dev/urandom"}}
  end
end

return M
