-- help.lua - the one written API: help(obj) in the REPL, and README's API
-- section (between <!-- api --> and <!-- /api -->), both from the tables
-- below. tests/lua/test_api.lua checks that every exposed name is here and
-- every name here is exposed, so this is the only list of the API.
local M = {}

local KINDS = { "domain", "network", "pool", "volume", "snapshot" }

-- virt.* functions, in the order the README shows them.
M.functions = {
  { "domains", "virt.domains{all=, inactive=, running=, paused=, shutoff=, autostart=, persistent=}",
    "domain objects (active ones by default, as `list`)" },
  { "domain_rows", "virt.domain_rows{all=, inactive=, running=, paused=, shutoff=, autostart=, persistent=}", "plain rows {id, name, state, persistent, autostart}: what `list` prints" },
  { "domain", "virt.domain(name|uuid)", "the domain; raises `no-domain`" },
  { "find_domain", "virt.find_domain(name|uuid)", "the domain, or nil" },
  { "define_domain", "virt.define_domain(xml|table, {keep_unknown=, source=})", "define (or redefine) a persistent domain" },
  { "create_domain", "virt.create_domain(xml|table, {paused=, timeout=, keep_unknown=, source=})", "start a transient domain" },
  { "networks", "virt.networks{all=, inactive=}", "network objects" },
  { "network", "virt.network(name|uuid)", "the network; raises `no-network`" },
  { "find_network", "virt.find_network(name|uuid)", "the network, or nil" },
  { "define_network", "virt.define_network(xml|{name=, forward={mode=, ...}, bridge={name=, ...}, ips={{address=, prefix=, dhcp={ranges=, hosts=}}}, ...})",
    "define a persistent network (table keys: `net/net_lua_table.h`)" },
  { "create_network", "virt.create_network(xml|table)", "start a transient network" },
  { "pools", "virt.pools{all=, inactive=}", "pool objects" },
  { "pool", "virt.pool(name|uuid)", "the pool; raises `no-pool`" },
  { "find_pool", "virt.find_pool(name|uuid)", "the pool, or nil" },
  { "define_pool", "virt.define_pool(xml|{name=, type=, target={path=}, source={dir=, name=, format=, devices=, hosts=}})",
    "define a persistent pool" },
  { "create_pool", "virt.create_pool(xml|table, {build=, overwrite=, no_overwrite=})", "start a transient pool" },
  { "volume", "virt.volume(path|key)", "the volume of any pool; raises `no-volume`" },
  { "find_volume", "virt.find_volume(path|key)", "the volume, or nil" },
  { "restore", "virt.restore(path, {running=, paused=})", "start a domain from a `save` file" },
  { "to_xml", "virt.to_xml(kind, table)", "the XML of a table form (`domain`, `network`, `pool`)" },
  { "to_native", "virt.to_native(xml|table, {keep_unknown=, source=})", "the QEMU argv a start would run" },
  { "validate", "virt.validate(xml, [source])", "true, or false and the problems" },
  { "autostart_all", "virt.autostart_all()", "start every autostart domain; one row each" },
  { "create_host_bridge", "virt.create_host_bridge{name=, nic=, stp=, delay=}", "a host bridge over a NIC: its MAC, the NIC its port, its addresses and routes moved; undone on failure; the name" },
  { "remove_host_bridge", "virt.remove_host_bridge(name, {force=})", "the reverse, for a bridge made here (force: any one-port bridge)" },
  { "host_bridges", "virt.host_bridges()", "{{name=, nic=}, ...}: the bridges made here" },
  { "parallel", "virt.parallel(items, fn, {jobs=})", "fn(item) for each item as tasks, at most jobs (8) at once; waits and virt.sleep in a task let the others run; {{ok=, value=|error=}, ...} in the items' order" },
  { "sleep", "virt.sleep(secs)", "sleep; in a virt.parallel task the others go on meanwhile" },
  { "now", "virt.now()", "seconds on a monotonic clock, for intervals" },
  { "proc_sample", "virt.proc_sample(pid)", "{cpu_ns=, rss_kib=, read_bytes=, write_bytes=} of a process, or nil" },
  { "term_start", "virt.term_start{raw=}", "alternate screen, keys without echo (raw: every byte as typed, the screen as it is, as a console); false: no terminal; given back on any exit" },
  { "term_stop", "virt.term_stop()", "the terminal as it was" },
  { "read_key", "virt.read_key(secs)", "one key, or nil after secs (nil, 'eof' when stdin ended)" },
  { "on", "virt.on(type, fn)", "call fn(event) for events of every domain (lifecycle, reboot)" },
  { "off", "virt.off([type])", "forget what virt.on registered" },
  { "loop", "virt.loop{timeout=, count=}", "call the event callbacks as events come; how many were heard" },
  { "quit_loop", "virt.quit_loop()", "end virt.loop (from a callback)" },
  { "events", "virt.events{domain=, type=}", "the recorded events {domain=, name=, type=, event=, detail=, time=}, oldest first" },
  { "capabilities", "virt.capabilities()", "the host: accelerator, machines, CPUs" },
  { "nodeinfo", "virt.nodeinfo()", "the host's CPUs and memory" },
  { "version", "virt.version()", "luavirt's and QEMU's versions" },
  { "error", "virt.error(code, message)", "a luavirt.error object, for `error(...)` in Lua code" },
  { "uri", "virt.uri()", "the connection's URI" },
  { "migrate_prepare", "virt.migrate_prepare(xml, {listen=, copy_storage=, disks=, tunnelled=})", "migration, destination step: start the definition paused, waiting for a stream on listen's address; the domain, its tcp:ADDR:PORT and, copying storage ('all' or 'inc', disks= from the source's d:migrate_disks), the ADDR:PORT of the NBD server that takes its disks (the images made where missing); tunnelled: unix:PATHs instead, for ssh to carry" },
  { "connect", "virt.connect(uri)", "a connection to another host (qemu+ssh://[user@]host[:port]/system[?keyfile=&no_verify=1&known_hosts=&command=&control=0&timeout=]) over one ssh: the functions of virt, its objects proxies of the remote ones; the recipes as c.batch, c.install, c.clone, c.migrate, c.bridge; c.close(); functions cross as callbacks (progress=, c.on/d:on with c.loop); d:console() attaches this terminal to a stream there" },
  { "hostname", "virt.hostname()", "the host's name" },
  { "file_info", "virt.file_info(path)", "{type=file|dir|block|other, size=, format=qcow2|raw} of a path on the connection's host, or nil" },
  { "json", "virt.json(value, {compact=})", "a value as JSON text" },
  { "json_decode", "virt.json_decode(text)", "JSON text as a value" },
  { "isatty", "virt.isatty([fd])", "whether fd (0) is a terminal" },
  { "run_editor", "virt.run_editor(path)", "run $VISUAL/$EDITOR on a file; its exit status" },
  { "api_keys", "virt.api_keys()", "the keys each function's options tables accept" },
  { "VERSION", "virt.VERSION", "luavirt's version string" },
}

-- Per kind: properties, then methods: { name, signature, what }.
M.kinds = {
  domain = {
    what = "a guest; `tostring(d)` is `domain 'web1' (running)`",
    properties = {
      { "name", "d.name", "its name" }, { "uuid", "d.uuid", "its uuid" },
      { "state", "d.state", "running, paused, shut off, ... (domstate's words)" },
      { "id", "d.id", "its id while active, else nil" },
      { "active", "d.active", "not shut off" }, { "persistent", "d.persistent", "has a definition" },
      { "autostart", "d.autostart", "starts with the host" },
      { "has_managed_save", "d.has_managed_save", "a managed save image waits" },
    },
    methods = {
      { "start", "d:start{paused=, timeout=}", "boot it" },
      { "shutdown", "d:shutdown{mode=}", "ask the guest to power off (acpi, agent)" },
      { "destroy", "d:destroy{timeout=}", "stop QEMU at once" },
      { "reboot", "d:reboot()", "ask the guest to reboot" },
      { "reset", "d:reset()", "reset the virtual machine" },
      { "suspend", "d:suspend()", "pause the vCPUs" }, { "resume", "d:resume()", "resume the vCPUs" },
      { "undefine", "d:undefine{nvram=, keep_nvram=, keep_tpm=, snapshots_metadata=, managed_save=}",
        "remove the definition" },
      { "undefine_storage", "d:undefine_storage{nvram=, keep_nvram=, keep_tpm=, snapshots_metadata=, managed_save=}", "undefine and remove its disks; one row per disk" },
      { "set_autostart", "d:set_autostart(on)", "set autostart" },
      { "xml", "d:xml{inactive=, security_info=}", "its XML" },
      { "definition", "d:definition{inactive=, security_info=}", "its table form (define_domain takes it)" },
      { "info", "d:info()", "dominfo's facts as a table" },
      { "state_reason", "d:state_reason()", "the state and why" },
      { "rename", "d:rename(new)", "rename a shut off domain" },
      { "clone", "d:clone{name=, auto=, files=, linked=, skip=, preserve_data=, dry_run=, progress=}",
        "a new domain from this shut off one: new uuid and MACs, its disks copied (or linked); dry_run: the XML" },
      { "description", "d:description{title=, inactive=}", "its description or title" },
      { "set_description", "d:set_description(text, {title=, live=, config=})", "set it" },
      { "redefine", "d:redefine(xml|table, {keep_unknown=})", "replace its definition" },
      { "wait", "d:wait{state=|ip=true, timeout=}", "wait until it reaches a state (true), or has an IPv4 address from its networks' DHCP leases (the address); in a virt.parallel task the others go on meanwhile" },
      { "wait_console", "d:wait_console(marker, secs)", "block until the console shows marker" },
      { "migrate_disks", "d:migrate_disks{copy_storage=}", "migration, source step: what the destination needs to know of each disk that moves with copy_storage 'all' or 'inc' (virt.migrate_prepare's disks=): {{target=, path=, format=, size=, backing=, backing_format=}, ...}" },
      { "migrate_send", "d:migrate_send(uri, {live=, bandwidth=, max_downtime=, timeout=, progress=, copy_storage=, nbd=})", "migration, source step: (copy_storage: first mirror the disks to the destination's NBD server nbd=, progress status 'mirror') stream the guest to a destination's tcp:ADDR:PORT (or unix:PATH, a tunnel's end) and wait; {status=, total_ms=, downtime_ms=, transferred=, remaining=, total=}; on failure it runs on here (recipes.migrate does all steps)" },
      { "migrate_finish", "d:migrate_finish{run=, timeout=}", "migration, destination step: the stream is complete: run (or stay paused)" },
      { "job_info", "d:job_info()", "its migration now (from another command while one goes): {status=, total_ms=, transferred=, remaining=, total=}; status 'none' when there is none" },
      { "migrate_tune", "d:migrate_tune{bandwidth=, max_downtime=}", "change the bandwidth (MiB/s) or the longest pause (ms) of the migration it is in" },
      { "migrate_confirm", "d:migrate_confirm{done=}", "migration, source step: done: QEMU here quits, 'shut off (migrated)'; else the guest runs on here" },
      { "on", "d:on(type, fn)", "call fn(event) for its events from now on (lifecycle: Started Booted, Suspended Paused, ..., Stopped Destroyed; reboot), in virt.loop" },
      { "off", "d:off([type])", "forget its callbacks" },
      { "console_log", "d:console_log()", "the serial console so far" },
      { "console_path", "d:console_path()", "the console log file" },
      { "console", "d:console{force=}", "attach this terminal to the serial console (Ctrl+] leaves); one session at a time, force takes over" },
      { "console_stream", "d:console_stream()", "the console from now on, for scripts: s:read{timeout=}, s:expect(text, secs), s:write(text), s:close()" },
      { "console_write", "d:console_write(text, {expect=, timeout=})", "type on the console" },
      { "pid", "d:pid()", "QEMU's pid, or nil" },
      { "monitor_command", "d:monitor_command(cmd, {hmp=})", "a QMP (or HMP) command" },
      { "qmp", "d:qmp(command, args)", "a QMP command as tables" },
      { "agent", "d:agent(command, {timeout=})", "a QEMU guest agent command ({execute=, arguments=} or JSON text); its return value" },
      { "create_snapshot", "d:create_snapshot({name=, description=, xml=}, {disk_only=, atomic=})",
        "take a snapshot" },
      { "snapshots", "d:snapshots()", "its snapshots, oldest first" },
      { "snapshot", "d:snapshot(name)", "one snapshot; raises `no-snapshot`" },
      { "find_snapshot", "d:find_snapshot(name)", "one snapshot, or nil" },
      { "current_snapshot", "d:current_snapshot()", "the current snapshot, or nil" },
      { "save", "d:save(path)", "save its memory to a file and stop it" },
      { "managed_save", "d:managed_save()", "save it where start finds it" },
      { "managed_save_remove", "d:managed_save_remove()", "drop the managed save image" },
      { "attach_interface", "d:attach_interface{type=, source=, model=, mac=, target=, link=, mtu=, live=, config=}",
        "add a NIC; self and its MAC" },
      { "detach_interface", "d:detach_interface{type=, mac=, live=, config=}", "remove a NIC" },
      { "interfaces", "d:interfaces{inactive=}", "its NICs as rows" },
      { "interface_stats", "d:interface_stats(dev)", "a NIC's counters" },
      { "set_link", "d:set_link(dev, up|down, {live=, config=})", "set a NIC's link state" },
      { "get_link", "d:get_link(dev, {config=})", "a NIC's link state" },
      { "addresses", "d:addresses{source=}", "its IP addresses: source lease (the DHCP leases, default) or agent (the guest agent)" },
      { "attach_disk", "d:attach_disk{source=, target=, bus=, format=, device=, cache=, readonly=, shareable=, live=, config=}",
        "add a disk" },
      { "detach_disk", "d:detach_disk(target, {live=, config=})", "remove a disk" },
      { "change_media", "d:change_media(target, source|nil, {eject=, live=, config=})", "swap a CD" },
      { "update_device", "d:update_device(xml, {live=, config=})", "change a device" },
      { "disks", "d:disks{inactive=}", "its disks as rows" },
      { "block_info", "d:block_info(target)", "a disk's sizes" },
      { "block_stats", "d:block_stats(target)", "a disk's counters" },
      { "block_resize", "d:block_resize(target, size)", "grow a disk while it runs" },
      { "set_vcpus", "d:set_vcpus(n, {maximum=, live=, config=})", "plug/unplug vCPUs or set the count" },
      { "vcpu_count", "d:vcpu_count()", "{maximum={config=, live=}, current={...}}" },
      { "vcpu_info", "d:vcpu_info()", "each vCPU's host CPU, time, affinity" },
      { "pin_vcpu", "d:pin_vcpu(vcpu, cpulist, {live=, config=})", "pin a vCPU to host CPUs" },
      { "pin_emulator", "d:pin_emulator(cpulist, {live=, config=})", "pin QEMU's other threads" },
      { "vcpu_pins", "d:vcpu_pins{config=}", "{{vcpu=, cpus=}, ...}" },
      { "emulator_pin", "d:emulator_pin{config=}", "the emulator threads' CPU list" },
      { "set_memory", "d:set_memory(size, {live=, config=})", "balloon to size (KiB or \"512M\")" },
      { "set_max_memory", "d:set_max_memory(size, {live=, config=})", "set <memory>" },
      { "memory_stats", "d:memory_stats{period=}", "dommemstat: table, keys in order" },
      { "stats", "d:stats{state=, cpu_total=, balloon=, vcpu=, interface=, block=}",
        "domstats: table, keys in order" },
      { "cpu_stats", "d:cpu_stats()", "CPU seconds: cpu_time, user_time, system_time, vcpu_time" },
      { "vnc_display", "d:vnc_display()", "\":N\"" },
      { "display", "d:display(type)", "\"vnc://127.0.0.1:N\"" },
      { "screenshot", "d:screenshot(file)", "write the screen as PPM" },
    },
  },
  network = {
    what = "a virtual network; `tostring(n)` is `network 'default' (active)`",
    properties = {
      { "name", "n.name", "its name" }, { "uuid", "n.uuid", "its uuid" },
      { "state", "n.state", "active or inactive (net-list's words)" },
      { "active", "n.active", "running" }, { "persistent", "n.persistent", "has a definition" },
      { "autostart", "n.autostart", "starts with the host" },
      { "bridge", "n.bridge", "its bridge's name" },
    },
    methods = {
      { "start", "n:start()", "start it" }, { "destroy", "n:destroy{force=}", "stop it" },
      { "undefine", "n:undefine()", "remove the definition" },
      { "set_autostart", "n:set_autostart(on)", "set autostart" },
      { "xml", "n:xml{inactive=, security_info=}", "its XML" },
      { "info", "n:info()", "net-info's facts as a table" },
      { "definition", "n:definition{inactive=}", "its table form (define_network takes it)" },
      { "dhcp_leases", "n:dhcp_leases{mac=}", "its DHCP leases" },
      { "update", "n:update(cmd, section, xml, {live=, config=})", "net-update" },
      { "port_forward", "n:port_forward{proto=, host_port=, guest_ip=, guest_port=, live=, config=}",
        "forward a host port to a guest" },
      { "port_forward_remove", "n:port_forward_remove{proto=, host_port=, guest_ip=, guest_port=, live=, config=}", "drop one" },
      { "port_forwards", "n:port_forwards{config=}", "its port forwards" },
    },
  },
  pool = {
    what = "a storage pool; `tostring(p)` is `pool 'default' (active)`",
    properties = {
      { "name", "p.name", "its name" }, { "uuid", "p.uuid", "its uuid" },
      { "state", "p.state", "active or inactive (pool-list's words)" },
      { "active", "p.active", "running" }, { "persistent", "p.persistent", "has a definition" },
      { "autostart", "p.autostart", "starts with the host" },
      { "type", "p.type", "dir, fs, netfs, logical, ..." }, { "target", "p.target", "its target path" },
    },
    methods = {
      { "build", "p:build{overwrite=, no_overwrite=}", "make its directory, file system or VG" },
      { "start", "p:start{build=, overwrite=, no_overwrite=}", "start it" },
      { "destroy", "p:destroy()", "stop it" },
      { "delete", "p:delete()", "remove its storage; self and what was removed" },
      { "undefine", "p:undefine()", "remove the definition of an inactive pool" },
      { "refresh", "p:refresh()", "rescan its volumes" },
      { "set_autostart", "p:set_autostart(on)", "set autostart" },
      { "info", "p:info()", "pool-info's facts as a table" },
      { "xml", "p:xml{inactive=, security_info=}", "its XML" },
      { "definition", "p:definition{inactive=}", "its table form (define_pool takes it)" },
      { "volumes", "p:volumes()", "its volumes" },
      { "volume", "p:volume(name)", "one volume; raises `no-volume`" },
      { "find_volume", "p:find_volume(name)", "one volume, or nil" },
      { "create_volume", "p:create_volume(xml|{name=, capacity=, allocation=, format=, backing=, backing_format=}, {from=, progress=})",
        "make a volume" },
      { "create_cidata", "p:create_cidata(name, {user_data=, meta_data=, network_config=})",
        "a cloud-init NoCloud seed volume (ISO 9660 labelled cidata) with these texts" },
    },
  },
  volume = {
    what = "a volume of a pool; `tostring(v)` is `volume 'a.qcow2' (pool 'default')`",
    properties = {
      { "name", "v.name", "its name" }, { "pool", "v.pool", "its pool (an object)" },
      { "path", "v.path", "its path" }, { "key", "v.key", "its key" },
      { "type", "v.type", "file, block, dir" }, { "format", "v.format", "raw, qcow2, ..." },
      { "capacity", "v.capacity", "bytes" }, { "allocation", "v.allocation", "bytes" },
    },
    methods = {
      { "info", "v:info()", "vol-info's facts as a table" },
      { "xml", "v:xml{security_info=}", "its XML" },
      { "definition", "v:definition()", "its table form (create_volume takes it)" },
      { "resize", "v:resize(size, {shrink=, delta=})", "change its capacity" },
      { "delete", "v:delete()", "remove it; self and the path removed" },
      { "wipe", "v:wipe{offset=, length=, progress=}", "zero it" },
      { "clone", "v:clone(new_name, {progress=})", "a full copy in the same pool" },
      { "upload", "v:upload(file, {offset=, length=, progress=})", "write a file into it (over a connection: a file of this host, streamed)" },
      { "download", "v:download(file, {offset=, length=, progress=})", "read it into a file (over a connection: a file of this host; zeros stay holes)" },
      { "stream", "v:stream{upload=, offset=, length=}", "its bytes a chunk at a time, the pool held: s:write(bytes) (upload, length= required), s:read([max]) -> bytes or nil at the end, s:size(), s:finish() (on disk), s:close()" },
    },
  },
  snapshot = {
    what = "a snapshot of a domain; `tostring(s)` is `snapshot 's1' of domain 'web1'`",
    properties = {
      { "name", "s.name", "its name" }, { "domain", "s.domain", "its domain (an object)" },
      { "parent", "s.parent", "its parent snapshot, or nil" },
      { "state", "s.state", "the guest's state when taken (domain's words)" },
      { "current", "s.current", "the domain's current snapshot" },
      { "description", "s.description", "its description" },
    },
    methods = {
      { "revert", "s:revert{running=, paused=}", "go back to it" },
      { "delete", "s:delete{children=, children_only=, metadata=}", "remove it; self and the names removed" },
      { "xml", "s:xml{security_info=}", "its XML" },
      { "info", "s:info()", "snapshot-info's facts as a table" },
      { "definition", "s:definition()", "its table form" },
    },
  },
}

-- Recipes (lua/recipes/): modules over the virt API, each one call with a
-- table: { module, call, what }.
M.recipes = {
  { "install", "require(\"recipes.install\"){name=, memory=, vcpus=, " ..
    "disks={{size=, format=, bus=, pool=}|{path=}|{backing=, size=}}, cdrom=, location=, " ..
    "extra_args=, import=, pxe=, boot={kernel=, initrd=, kernel_args=, uefi=}, " ..
    "networks={{network=, model=, mac=}|{bridge=}}, graphics={type=, listen=}, os_variant=, " ..
    "virt_type=, autostart=, cloud_init={user_data=, meta_data=, network_config=}, " ..
    "print_xml=, dry_run=, noautoconsole=}",
    "virt-install: create the disks (and a cloud-init seed) in a pool, define and start " ..
    "the domain, undoing every step on failure; the domain, or (print_xml, dry_run) its XML" },
  { "clone", "require(\"recipes.clone\"){original=, name=, auto=, files=, linked=, skip=, " ..
    "preserve_data=, dry_run=, progress=}",
    "virt-clone: d:clone{} on the domain named original; the new domain" },
  { "migrate", "require(\"recipes.migrate\"){domain=, dest=, live=, persistent=, " ..
    "undefine_source=, suspend=, offline=, bandwidth=, max_downtime=, timeout=, progress=, " ..
    "copy_storage=, tunnelled=}",
    "virsh migrate: the guest's memory QEMU to QEMU to the host of dest (a qemu+ssh URI or " ..
    "a connection), disks on shared storage or copied over NBD (copy_storage 'all' or 'inc'), " ..
    "through ssh with tunnelled; a failure leaves it running here; the domain " ..
    "there and {total_ms=, downtime_ms= (the guest's pause until it runs there, as " ..
    "domjobinfo's Total downtime), transferred=, total=}" },
  { "bridge.create", "require(\"recipes.bridge\").create{name=, nic=, stp=, delay=}",
    "host bridge setup (virt.create_host_bridge); bridge.remove{name=, force=}, bridge.list()" },
  { "batch.provision", "require(\"recipes.batch\").provision{template=, count=, prefix=, " ..
    "first=, network=, jobs=, linked=, cloud_init=, wait=, timeout=, on_ready=, progress=}",
    "count linked clones of a shut off template, started jobs at a time, each waited for " ..
    "(ip, or wait={console=MARKER}); one row each {name=, state=, ip=, seconds=, error=}" },
  { "batch.start", "require(\"recipes.batch\").start{name=, state=, autostart=, all=, jobs=, " ..
    "progress=}", "start the (shut off) domains a filter selects; one row each" },
  { "batch.shutdown", "require(\"recipes.batch\").shutdown{name=, state=, autostart=, all=, " ..
    "jobs=, timeout=, progress=}", "shut them down and wait until they are off" },
  { "batch.destroy", "require(\"recipes.batch\").destroy{name=, state=, autostart=, all=, " ..
    "jobs=, progress=}", "stop them at once" },
  { "batch.undefine", "require(\"recipes.batch\").undefine{name=, state=, autostart=, all=, " ..
    "jobs=, storage=, progress=}", "undefine them (destroyed first); storage: their disks too" },
}

M.KINDS = KINDS

local function kind_of(x)
  local mt = getmetatable(x)
  return type(mt) == "table" and rawget(mt, "__kind") or nil
end

local function rows_text(out, rows)
  local w = 0
  for _, r in ipairs(rows) do w = math.max(w, #r[2]) end
  w = math.min(w, 48)
  for _, r in ipairs(rows) do
    out[#out + 1] = string.format("  %-" .. w .. "s  %s", r[2], r[3])
  end
end

-- The help text of a kind, of virt, or of one name.
function M.text(x)
  local out = {}
  local kind = type(x) == "string" and M.kinds[x] and x or kind_of(x)
  if kind then
    local k = M.kinds[kind]
    out[1] = kind .. ": " .. k.what
    out[#out + 1] = "properties:"
    rows_text(out, k.properties)
    out[#out + 1] = "methods (mutating ones return the object):"
    rows_text(out, k.methods)
  else
    out[1] = "virt: the luavirt API (help(obj) for an object's properties and methods)"
    rows_text(out, M.functions)
    out[#out + 1] = "recipes:"
    rows_text(out, M.recipes)
    out[#out + 1] = "objects: " .. table.concat(KINDS, ", ") ..
      "; errors are luavirt.error objects {code=, message=, object=, errno=}"
  end
  return table.concat(out, "\n")
end

function M.help(x)
  print(M.text(x))
end

local function md_rows(out, rows)
  out[#out + 1] = "| call | what |"
  out[#out + 1] = "|---|---|"
  for _, r in ipairs(rows) do
    out[#out + 1] = string.format("| `%s` | %s |", r[2]:gsub("|", "\\|"), (r[3]:gsub("|", "\\|")))
  end
end

-- README's API section, from the same tables.
function M.markdown()
  local out = { "## API", "",
    "Generated from `help` (`lua/stdlib/help.lua`); `help(obj)` in the REPL shows the same.",
    "Every object has `.name` and, where they apply, `.uuid .state .active .persistent",
    ".autostart`; `:xml{}`, `:info()`, `:definition()`; mutating methods return the object;",
    "an unknown key in an options table is an error naming the key and the function; every",
    "error is a `luavirt.error` with `code`, `message`, `object`, `errno`.", "",
    "### virt", "" }
  md_rows(out, M.functions)
  for _, kind in ipairs(KINDS) do
    local k = M.kinds[kind]
    out[#out + 1] = ""
    out[#out + 1] = "### " .. kind .. ": " .. k.what
    out[#out + 1] = ""
    local rows = {}
    for _, r in ipairs(k.properties) do rows[#rows + 1] = r end
    for _, r in ipairs(k.methods) do rows[#rows + 1] = r end
    md_rows(out, rows)
  end
  out[#out + 1] = ""
  out[#out + 1] = "### recipes: modules over the API (`lua/recipes/`), one call each"
  out[#out + 1] = ""
  md_rows(out, M.recipes)
  return table.concat(out, "\n") .. "\n"
end

-- Replace README's section between <!-- api --> and <!-- /api -->.
function M.update_readme(path)
  local f = assert(io.open(path, "r"))
  local text = f:read("a")
  f:close()
  local a, b = text:find("<!-- api -->\n", 1, true)
  local c = text:find("<!-- /api -->", 1, true)
  if not a or not c or c < b then
    error(virt.error("invalid", "readme '" .. path .. "': no <!-- api --> ... <!-- /api --> markers"))
  end
  local new = text:sub(1, b) .. M.markdown() .. text:sub(c)
  if new ~= text then
    local tmp = path .. ".tmp"
    local w = assert(io.open(tmp, "w"))
    assert(w:write(new))
    assert(w:close())
    assert(os.rename(tmp, path))
  end
  return new ~= text
end

return M
