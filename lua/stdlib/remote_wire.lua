-- remote_wire.lua - the values of a remote connection's frames, both sides.
-- A frame is one JSON text (virt.json / virt.json_decode). JSON has no nil
-- inside arrays, no integer keys and no bytes, so every Lua value goes as a
-- JSON value that says what it is:
--   "text"                  a string that is UTF-8 without NULs (others:
--                           {"x": hex})
--   1, 2.5, true            numbers (integer or float, as Lua had them), booleans
--   {"nil": true}           nil
--   {"t": [[k, v], ...]}    a table, keys and values encoded the same way
--   {"o": {"id": 7, "k": "domain"}}   an object of the serving side
--   {"e": {code=, message=, object=, errno=}}   a luavirt.error
--   {"f": 3}                a function of the client (a progress= or an
--                           event callback): the serving side gets a
--                           function that calls it back (a {"cb": 3, "a":
--                           LIST} frame, answered by {"cr": {r=LIST}} or
--                           {"cr": {err=...}}; the client may make calls of
--                           its own before it answers)
-- A function the encoding side cannot name is left out. Anything else (a
-- stream, a coroutine) is an error naming what could not be sent.
local M = {}

local chan_mod = require("remote_chan")
local hex, unhex = chan_mod.hex, chan_mod.unhex

local function is_error(v)
  return type(v) == "table" and getmetatable(v) ~= nil and
    getmetatable(v) == getmetatable(virt.error("internal", "x"))
end

-- Encode v; obj(v) gives the {"o": ...} reference of an object (userdata
-- or proxy), or nil when v is no object, and for a function the number it
-- goes by (or nil: it is left out).
function M.encode(v, obj, seen)
  local ty = type(v)
  if ty == "string" then
    -- text as it is; bytes (not UTF-8, or with NULs: a volume's chunks) in hex
    if utf8.len(v) and not v:find("\0", 1, true) then return v end
    return {x = hex(v)}
  elseif ty == "number" or ty == "boolean" then
    return v
  elseif ty == "function" then
    local id = obj and obj(v)
    if id then return {f = id} end
    return {["nil"] = true}
  elseif ty == "nil" then
    return {["nil"] = true}
  end
  local ref = obj and obj(v)
  if ref then return {o = ref} end
  if is_error(v) then
    return {e = {code = v.code, message = v.message, object = v.object, errno = v.errno}}
  end
  if ty ~= "table" then
    error(virt.error("unsupported", "a " .. ty .. " (" .. tostring(v) ..
      ") cannot be sent over a remote connection"))
  end
  seen = seen or {}
  if seen[v] then
    error(virt.error("invalid", "a table that contains itself cannot be sent over a remote connection"))
  end
  seen[v] = true
  local pairs_ = {}
  for k, x in pairs(v) do
    if type(x) ~= "function" or (obj and obj(x)) then
      pairs_[#pairs_ + 1] = {M.encode(k, obj, seen), M.encode(x, obj, seen)}
    end
  end
  seen[v] = nil
  return {t = pairs_}
end

-- Decode what encode made; ref(o) turns an object reference into the
-- receiving side's value, and ref(nil, id) a function's number into a
-- function that calls it back.
function M.decode(j, ref)
  if type(j) ~= "table" then return j end
  if j["nil"] then return nil end
  if j.x then return unhex(j.x) end
  if j.o then return ref(j.o) end
  if j.f then return ref(nil, j.f) end
  if j.e then
    local e = virt.error(j.e.code or "internal", j.e.message or "unknown error")
    e.object, e.errno = j.e.object, j.e.errno or 0
    return e
  end
  local t = {}
  for _, kv in ipairs(j.t or {}) do
    local k = M.decode(kv[1], ref)
    if k ~= nil then t[k] = M.decode(kv[2], ref) end
  end
  return t
end

-- Arguments and results: a count and the encoded values (nils kept).
function M.encode_list(obj, n, ...)
  local out, args = {}, table.pack(...)
  for i = 1, n do out[i] = M.encode(args[i], obj) end
  return {n = n, v = out}
end

function M.decode_list(l, ref)
  local out = {}
  for i = 1, l.n or 0 do out[i] = M.decode(l.v[i], ref) end
  return out, l.n or 0
end

-- Frames of a call back: the serving side's {"cb": ID, "a": LIST} and the
-- client's answer {"cr": ...} begin with these (a relay tells them from
-- requests and replies without decoding them).
M.CALLBACK = '{"cb":'
M.ANSWER = '{"cr":'

function M.callback_frame(id, args)
  return M.CALLBACK .. math.tointeger(id) .. ',"a":' .. virt.json(args) .. "}"
end

function M.answer_frame(t)
  return M.ANSWER .. virt.json(t) .. "}"
end

function M.is_callback(frame) return frame:sub(1, #M.CALLBACK) == M.CALLBACK end
function M.is_answer(frame) return frame:sub(1, #M.ANSWER) == M.ANSWER end

-- The luavirt.error for a failed call on the serving side: luavirt.errors
-- keep their fields; a plain Lua error becomes "internal" with its text.
function M.error_of(e)
  if is_error(e) then
    return {code = e.code, message = e.message, object = e.object, errno = e.errno}
  end
  return {code = "internal", message = tostring(e)}
end

return M
