-- harness.lua - the Lua end-to-end test harness, run by the luavirt binary
-- itself: `luavirt tests/lua/test_x.lua`. Each test gets a fresh
-- LUAVIRT_ROOT (set before the test file runs, by tests/run-all). Ends with
-- one line "N passed, N failed[, N skipped]".
local M = {}

local passed, failed, skipped = 0, 0, 0
local current = "?"

local function where(level)
  local info = debug.getinfo(level + 1, "Sl")
  return info and (info.short_src .. ":" .. info.currentline) or "?"
end

function M.check(cond, msg, level)
  if cond then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write(string.format("%s: FAIL [%s]: %s\n", where((level or 1) + 1),
      current, tostring(msg or "check failed")))
  end
  return cond
end

function M.eq(got, want, msg)
  -- not a tail call: the caller's frame must stay for the line number
  local ok = M.check(got == want, string.format("%s: got %s, want %s", msg or "eq",
    tostring(got), tostring(want)), 2)
  return ok
end

-- Call fn; it must raise an error whose code is `code` and whose message
-- matches every pattern in `pats` (plain find).
function M.raises(code, pats, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then
    local r = M.check(false, "expected an error " .. code .. ", got success", 2)
    return r
  end
  local c = nil
  if type(err) == "userdata" or type(err) == "table" then c = err.code end
  local msg = tostring(err)
  local good = (c == code)
  for _, p in ipairs(pats or {}) do
    if not msg:find(p, 1, true) then good = false end
  end
  local r = M.check(good, string.format("expected error %s matching %s, got %s: %s",
    code, table.concat(pats or {}, "|"), tostring(c), msg), 2)
  return r, err
end

-- Call fn until it returns a true value or secs (default 20) pass; the
-- value, or nil at the deadline. The one way a test waits for something
-- that happens on its own (a lease, a guest's answer, a process gone):
-- no sleep-then-assert.
function M.eventually(fn, secs)
  local deadline = os.time() + (secs or 20)
  local v = fn()
  while not v and os.time() < deadline do
    os.execute("sleep 0.1")
    v = fn()
  end
  return v
end

function M.skip(why)
  skipped = skipped + 1
  io.stdout:write(string.format("skip [%s]: %s\n", current, why))
end

function M.test(name, fn)
  current = name
  local t0 = os.clock()
  local ok, err = xpcall(fn, function(e)
    return tostring(e) .. "\n" .. debug.traceback("", 2)
  end)
  if not ok then
    failed = failed + 1
    io.stderr:write(string.format("FAIL [%s]: raised: %s\n", name, err))
  end
  io.stdout:write(string.format("  %s %s (%.1fs cpu)\n", ok and "ok  " or "FAIL", name,
    os.clock() - t0))
end

function M.done()
  local line = string.format("%d passed, %d failed", passed, failed)
  if skipped > 0 then line = line .. string.format(", %d skipped", skipped) end
  print(line)
  os.exit(failed == 0 and 0 or 1)
end

return M
